/** Whether dist/cli is whole and no source it was made from changed since (see build-freshness.mjs). */
export function isBuildFresh(root: URL): boolean;
