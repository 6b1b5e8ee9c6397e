/**
 * `npm run charts:refresh -- <chart> [<version> <repository>]`: replaces the
 * vendored archive of a chart (charts/<chart>-<version>.tgz) with the one its
 * chart repository serves, through `helm pull`, and rewrites charts/SHA256SUMS.
 * For a chart an add-on pins, the version and repository are the pin's
 * (components/compute/addons/); another chart (one vendored ahead of the code
 * that installs it) names them. Needs the repository to be reachable; the
 * tests never do.
 */
import * as path from "path";
import { chartOf } from "../../components/compute/addons/addon";
import { ADDONS } from "../../components/compute/addons/registry";
import { refreshChart } from "./archives";

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run charts:refresh -- <chart> [<version> <repository>]\n`);
  process.exit(2);
}

function main(argv: string[]) {
  const [chart, version, repo] = argv;
  if (!chart || argv.length === 2 || argv.length > 3) usage("name a chart, and its version and repository unless an add-on pins it");
  const pin = ADDONS.map(chartOf).find((p) => p?.chart === chart);
  const target = version && repo ? { chart, version, repo } : pin;
  if (!target) usage(`no add-on pins a chart named "${chart}" (pinned: ${ADDONS.flatMap((a) => chartOf(a)?.chart ?? []).join(", ")})`);
  const archive = refreshChart(target);
  process.stdout.write(
    `${path.relative(process.cwd(), archive)}: ${target.chart} ${target.version} from ${target.repo}; charts/SHA256SUMS rewritten.\n` +
      "Record where it came from in charts/README.md, then run the tests: they render it with the program's values.\n",
  );
}

try {
  main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
}
