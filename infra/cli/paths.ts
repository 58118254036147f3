/**
 * Output paths checked before any work, so a bad `--out` is exit 2 with nothing stored, not an
 * error after the analysis ran: not empty, not a file, not on a special filesystem, writable
 * (or creatable: its nearest existing folder is writable).
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './cli-kit.ts';

const SPECIAL_FILESYSTEMS = ['/proc', '/sys', '/dev'];

/** Returns the absolute output folder, or throws UsageError naming the flag and the fix. */
export function checkOutputFolder(path: string, cwd: string, flag = '--out'): string {
  if (path.trim() === '') throw new UsageError(`${flag}: is empty; give a folder for the result files`);
  const absolute = resolve(cwd, path);
  const special = SPECIAL_FILESYSTEMS.find((root) => absolute === root || absolute.startsWith(`${root}/`));
  if (special)
    throw new UsageError(`${flag}: ${absolute} is on ${special}, a special filesystem; give an ordinary folder`);
  let existing = absolute;
  while (!existsSync(existing)) existing = dirname(existing);
  if (!statSync(existing).isDirectory())
    throw new UsageError(
      existing === absolute
        ? `${flag}: ${absolute} is a file, not a folder; give a folder for the result files`
        : `${flag}: ${existing} is a file, so ${absolute} cannot be created; give a folder`,
    );
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch {
    throw new UsageError(`${flag}: ${existing} is not writable; give a folder you can write to`);
  }
  return absolute;
}
