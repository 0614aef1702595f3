/** The command line's entry: `npx peel-register <command>` (through bin/peel-register.js), or `node --import tsx src/cli/peel-register.ts`. */
import { main } from './main.ts'

// A reader that goes away (`| head`) fails the write in hand, which the command sees; without a
// listener the same error would also be thrown at the process.
process.stdout.on('error', () => {})
process.exitCode = await main(process.argv.slice(2))
