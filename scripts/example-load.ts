/**
 * `npm run example:load [-- FILE]`: loads the example register (002: Cleveland Police's open HMICFRS
 * items after the 2019 PEEL inspection) into force `cleveland` on the configured database, as
 * `peel-register example load` does (src/cli/example.ts). Idempotent: a second run changes nothing.
 */
import { main } from '../src/cli/main.ts'

process.exitCode = await main(['example', 'load', ...process.argv.slice(2)])
