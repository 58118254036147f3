/**
 * Vitest global setup: makes the PGlite cluster templates (infra/storage/pglite-template.ts) once
 * before any test opens a database, so no single test pays for initdb and the migrations, and
 * none races to make them. Nothing to do when the build (`npm ci`) has made them already.
 */
import { warmDatabaseTemplate } from '#scripts/build.ts';

export default async function setup(): Promise<void> {
  await warmDatabaseTemplate();
}
