/** `alex doctor [--repair]`: checks each state file of a home and says what is wrong; repairs what can be. */
import { examineHome } from '../../local/doctor.ts';
import { type Command, EXIT, parse, stateHome, UsageError } from '../cli-kit.ts';

const USAGE = `Usage: alex doctor [--repair] [--home DIR] [--json]

Checks the home's state files: the event archive (damaged lines, a torn last event), the queue
snapshot and journal, the database (present, opens, migrations) and job statuses against the
archive and the analyses table. Exit 0 when all is well, 1 when something is damaged.

  --repair   also repair: cut torn tails, move damaged archive lines to archive.damaged.jsonl,
             set aside unreadable queue files (unfinished jobs then end at their deadlines),
             start a lost database anew and rebuild job rows from the archive
  --home DIR state folder (default ./.alex, or ALEX_HOME)
  --json     print the findings as JSON`;

export const doctorCommand: Command = {
  name: 'doctor',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { repair: { type: 'boolean' }, home: { type: 'string' }, json: { type: 'boolean' } },
      this,
    );
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw new UsageError(`doctor takes no positional arguments\n\n${USAGE}`);
    const findings = await examineHome(stateHome(values.home, io), { repair: values.repair === true });
    const healthy = findings.every((finding) => finding.ok || finding.repaired);
    if (values.json) io.out(JSON.stringify({ healthy, findings }, null, 2));
    else
      for (const finding of findings) {
        const mark = finding.ok ? 'ok      ' : finding.repaired ? 'repaired' : 'DAMAGED ';
        io.out(`${mark}  ${finding.file}: ${finding.detail}${finding.repaired ? ` -> ${finding.repaired}` : ''}`);
      }
    if (!healthy && !values.json) io.err('alex: damage found; run `alex doctor --repair` to repair what can be');
    return healthy ? EXIT.ok : EXIT.internal;
  },
};
