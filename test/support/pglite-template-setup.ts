/**
 * Vitest global setup: makes the PGlite cluster template (infra/storage/pglite-template.ts) once
 * before any test opens a database, so no single test pays for initdb and none races to make it.
 * Nothing to do when `npm ci` (the build) has made it already.
 */
import { clusterTemplate } from '#infra/storage/pglite-template.ts';

export default async function setup(): Promise<void> {
  await clusterTemplate();
}
