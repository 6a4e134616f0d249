/**
 * Stand-ins for an AWS endpoint on a free port of 127.0.0.1, for the doctor's and adopt's
 * failure paths without moto: one that accepts connections and never answers (or sends the
 * response headers and then stalls), and one that answers every call with an AWS error.
 */
import { createServer as createHttpServer } from 'node:http';
import { Server, Socket, createServer } from 'node:net';

export interface FakeEndpoint {
  /** Base URL, such as http://127.0.0.1:41234 */
  readonly url: string;
  /** Connections accepted so far (one per try of a call). */
  readonly connections: () => number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<FakeEndpoint> {
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/**
 * Accepts every connection, reads the request and never finishes the answer. With `headers`,
 * it first sends them (a response that starts and then stalls); without, it stays silent.
 */
export function silentEndpoint(headers?: string): Promise<FakeEndpoint> {
  return listen(createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => { if (headers) socket.write(headers); });
  }));
}

/** Answers every call with one AWS error in the query protocol's XML, as STS and IAM send it. */
export function awsErrorEndpoint(code: string, message: string, status = 403): Promise<FakeEndpoint> {
  const body = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`;
  return listen(createHttpServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(status, { 'content-type': 'text/xml' });
      response.end(body);
    });
  }) as unknown as Server);
}
