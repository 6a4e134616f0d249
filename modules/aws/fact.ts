/**
 * A value read from AWS: the value, "absent" (the API said there is none, such as
 * NoSuchCORSConfiguration), or an error the doctor could not interpret as absence.
 */
export type Fact<T> =
  | { readonly state: 'ok'; readonly value: T }
  | { readonly state: 'absent'; readonly reason: string }
  | { readonly state: 'error'; readonly error: string };

export const ok = <T>(value: T): Fact<T> => ({ state: 'ok', value });
export const absent = <T>(reason: string): Fact<T> => ({ state: 'absent', reason });
export const unreadable = <T>(error: string): Fact<T> => ({ state: 'error', error });
