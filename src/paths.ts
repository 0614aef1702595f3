/**
 * The project's folder. This file sits one level below it, as does the bundle `npm start` runs
 * (dist/server.js), so the same relative URL holds in both.
 */
export const PROJECT_ROOT = new URL('../', import.meta.url)
