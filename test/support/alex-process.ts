/**
 * Real `alex` processes for kill -9, concurrency and damage tests: spawned from bin/alex.mjs as a
 * user runs it, with output captured, a hard timeout (a hang is a failure, not a stuck test), and
 * a way to wait for a line on stderr before killing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ALEX_BIN = fileURLToPath(new URL('../../bin/alex.mjs', import.meta.url));

export interface AlexProcess {
  child: ChildProcess;
  /** Resolves when stderr (or stdout) has matched `pattern`; rejects if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<AlexResult>;
  /** What it has printed so far. */
  output(): { stdout: string; stderr: string };
}

export interface AlexResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnAlex(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  const child = spawn(process.execPath, [ALEX_BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
    for (const watch of watchers) watch();
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    for (const watch of watchers) watch();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
  const done = new Promise<AlexResult>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const watch of watchers) watch();
      resolve({ code, signal, stdout, stderr });
    }),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const give = setTimeout(() => finish(new Error(`no ${pattern} within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
      const finish = (error?: Error) => {
        clearTimeout(give);
        watchers.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (pattern.test(stderr) || pattern.test(stdout)) finish();
        else if (child.exitCode !== null || child.signalCode !== null)
          finish(new Error(`alex ended before ${pattern}:\n${stderr}`));
      };
      watchers.add(check);
      check();
    });
  return { child, waitFor, done, output: () => ({ stdout, stderr }) } satisfies AlexProcess;
}

/** Runs `alex` to the end. */
export function runAlex(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  return spawnAlex(args, options).done;
}
