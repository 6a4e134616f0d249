/**
 * `ica-s3 init` on a terminal: the CLI runs in a pseudo-terminal, and the test types the answers
 * as a user would, reading the screen before each keystroke. It sees the explanations and
 * defaults, a wrong bucket name refused as typed with the rule's words and fix, corrected, and the
 * file that results; and Ctrl-C, which writes nothing. Answers given as options are in
 * init.test.ts.
 */
import { IPty, spawn } from '@cdktf/node-pty-prebuilt-multiarch';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../modules/cli/index';
import { RULES } from '../../modules/core/rule-catalogue';

const RUNNER = join(__dirname, '..', 'support', 'cli-from-source.js');
/** How long one step may wait for its text: the child transpiles the CLI first, on a busy machine. */
const STEP_TIMEOUT_MS = 20_000;

const ENTER = '\r';
const BACKSPACE = '\x7f';
const DOWN = '\x1b[B';
const CTRL_C = '\x03';

/** Colours, cursor moves and line clears: what is left is the text a user reads. */
function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/** init in a pseudo-terminal, and what it has shown so far. */
class Terminal {
  private shown = '';
  /** Where the text already waited for ends: each wait reads on from there. */
  private read = 0;
  readonly exited: Promise<number>;
  private readonly pty: IPty;

  constructor(cwd: string, args: string[]) {
    // Wide: the prompt library wraps at the terminal's width, and the test reads whole lines.
    this.pty = spawn(process.execPath, [RUNNER, 'init', ...args], { cwd, cols: 240, rows: 50, env: { ...process.env, TERM: 'xterm' } });
    this.pty.onData((data) => { this.shown += data; });
    this.exited = new Promise((resolve) => { this.pty.onExit(({ exitCode }) => resolve(exitCode)); });
  }

  /** Waits until `text` is shown after what was waited for before. */
  async waitFor(text: string): Promise<void> {
    const started = Date.now();
    for (;;) {
      const at = plain(this.shown).indexOf(text, this.read);
      if (at >= 0) {
        this.read = at + text.length;
        return;
      }
      if (Date.now() - started > STEP_TIMEOUT_MS) throw new Error(`the terminal never showed ${JSON.stringify(text)}; after the last step it showed:\n${plain(this.shown).slice(this.read)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Types `keys` once the screen shows `text`. */
  async type(text: string, keys: string): Promise<void> {
    await this.waitFor(text);
    this.pty.write(keys);
  }

  /**
   * Types `keys` at the question `message`, once the prompt library shows it ("? message"):
   * an explanation line may say the same words before the question is open to keystrokes.
   */
  async answer(message: string, keys: string): Promise<void> {
    await this.type(`? ${message}`, keys);
  }

  /** Everything shown, as plain text. */
  screen(): string {
    return plain(this.shown);
  }

  kill(): void {
    this.pty.kill();
  }
}

let dir: string;
let terminal: Terminal | undefined;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'ica-init-terminal-')); });
afterEach(() => {
  terminal?.kill();
  terminal = undefined;
  rmSync(dir, { recursive: true, force: true });
});

test('the questions, each with its explanation and default; a wrong bucket name is refused as typed, with the rule and its fix, and corrected', async () => {
  terminal = new Terminal(dir, []);
  await terminal.waitFor('it names the cdktf stack');
  await terminal.answer('Connection name (ica-s3-connect)', `acme-ica${ENTER}`);
  // The region list shows each region's name and AWS region; typing a code moves to it.
  await terminal.answer('ICA region', 'US');
  await terminal.waitFor('GB/UK UK (eu-west-2)');
  await terminal.type('❯ US    United States (us-east-1)', ENTER);
  // The recommended method is the default, and says what to copy from ICA first.
  await terminal.waitFor('? Credential method');
  await terminal.waitFor('❯ role (recommended)');
  await terminal.type('Generate the RoleSessionName prefix and copy it', ENTER);
  await terminal.answer('RoleSessionName prefix', `Ab12Cd34${ENTER}`);
  await terminal.answer('Storage credential name in ICA (acme-ica)', ENTER);
  await terminal.waitFor('created in us-east-1');
  await terminal.answer('Bucket name', `Bad_Bucket${ENTER}`);
  await terminal.waitFor(`"Bad_Bucket" ${RULES['bucket-name.characters'].message}`);
  await terminal.type(`fix: ${RULES['bucket-name.characters'].fix}`, `${BACKSPACE.repeat('Bad_Bucket'.length)}acme-ica-data${ENTER}`);
  await terminal.waitFor('✔ Bucket name acme-ica-data');
  await terminal.answer('Prefix (ica-data/)', ENTER);
  await terminal.answer('Another prefix in acme-ica-data (Enter: done)', `runs${ENTER}`);
  await terminal.waitFor('✔ Another prefix in acme-ica-data (Enter: done) runs');
  await terminal.answer('Another prefix in acme-ica-data (Enter: done)', ENTER);
  // A choice list starts on the default; typing a letter moves to the first choice it begins.
  await terminal.waitFor('? Versioning');
  await terminal.waitFor('❯ Disabled');
  await terminal.type('Unversioned: for a bucket that was never versioned.', 'e');
  await terminal.type('❯ Enabled', ENTER);
  await terminal.waitFor('? Encryption');
  await terminal.type('❯ SSE-S3', DOWN);
  await terminal.type('❯ SSE-KMS', ENTER);
  await terminal.answer('KMS key ARN (Enter: a new key)', ENTER);
  await terminal.answer('Another bucket name (Enter: done)', ENTER);
  await terminal.answer('Restrict the buckets to ICA? (y/N)', ENTER);
  await terminal.answer('Allow cross-account copy and move? (y/N)', `y${ENTER}`);
  await terminal.waitFor('wrote ica.config.json');
  expect(await terminal.exited).toBe(0);

  const screen = terminal.screen();
  for (const command of ['validate', 'preflight', 'synth', 'connect --outputs outputs.json']) expect(screen).toContain(`npx ica-s3 ${command}`);
  const path = join(dir, 'ica.config.json');
  const { $schema, ...config } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  expect($schema).toMatch(/ica-config\.schema\.json$/);
  expect(config).toEqual({
    name: 'acme-ica',
    icaRegion: 'US',
    credential: { method: 'role', sessionNamePrefix: 'Ab12Cd34' },
    buckets: [{ name: 'acme-ica-data', prefixes: ['ica-data/', 'runs/'], versioning: 'Enabled', encryption: { type: 'SSE-KMS' } }],
    bucketPolicy: { restrictToIca: false, crossAccountCopy: true },
  });
  const validation: string[] = [];
  expect(await main(['validate', '-c', path], { log: (text) => validation.push(text), error: (text) => validation.push(text) })).toBe(0);
}, 120_000);

test('Ctrl-C at a question stops init: exit 1, nothing written', async () => {
  terminal = new Terminal(dir, ['--yes']);
  // --yes on a terminal asks only what has no default: the region is the first such question.
  await terminal.answer('ICA region', CTRL_C);
  expect(await terminal.exited).toBe(1);
  expect(terminal.screen()).toContain('ica-s3 init: stopped; nothing was written');
  expect(terminal.screen()).not.toContain('Connection name');
  expect(existsSync(join(dir, 'ica.config.json'))).toBe(false);
}, 60_000);
