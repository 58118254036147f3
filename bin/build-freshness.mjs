// Whether the JavaScript build in dist/cli can run: it is whole (build.json, written last, is
// there) and no source it lists changed after it was made. A stat per source, about a
// millisecond in all. Plain JS: bin/alex.mjs needs it before anything can compile TypeScript.
import { readFileSync, statSync } from 'node:fs';

/** `root`: the package folder, as a file URL ending in '/'. */
export function isBuildFresh(root) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL('dist/cli/build.json', root), 'utf8'));
  } catch {
    return false;
  }
  if (!Array.isArray(manifest.inputs) || typeof manifest.builtAt !== 'number') return false;
  for (const input of manifest.inputs) {
    const stats = statSync(new URL(input, root), { throwIfNoEntry: false });
    if (!stats || stats.mtimeMs > manifest.builtAt) return false;
  }
  return true;
}
