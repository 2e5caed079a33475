import { CliContext, Command, ExitCode } from './command';
import { directoryCommandArgs, markdownTable } from './output';
import { parseImageReference } from '../private/api-rules/image-reference';
import { compareStrings, imagesOfObject } from '../report/object-images';
import { readManifests } from '../validate/read-manifests';

const HELP = `Usage: modelship images <dir> [options]

Lists every image the objects under <dir> run, for mirroring and pre-pulling: containers, init
containers, ephemeral containers and image volumes (volumes[].image.reference) of every pod spec
(Deployments, StatefulSets, DaemonSets, Jobs, Argo Rollouts, LeaderWorkerSets, ...), deduplicated
and sorted. Text output is one reference per line (pipe it to a mirroring script); json and
markdown add the repository, tag, digest and the objects that use each image.

Options:
  -f, --format <text|markdown|json>  output format                          [default: text]
  -h, --help                         show this help

Exit codes: 0 listed (also when no image is found); 1 a manifest does not parse; 2 usage error.`;

/** One image of the fleet. */
export interface FleetImage {
  readonly image: string;
  readonly repository: string;
  /** Tag, or null. */
  readonly tag: string | null;
  /** Digest (`sha256:...`), or null when the image is pinned by tag only. */
  readonly digest: string | null;
  /** `Kind namespace/name <use> <container>` for each use, sorted. */
  readonly usedBy: string[];
}

/** Every image of some objects, deduplicated by reference and sorted. */
export function fleetImages(objects: readonly unknown[]): FleetImage[] {
  const uses = new Map<string, Set<string>>();
  for (const obj of objects as any[]) {
    const id = `${obj?.kind ?? '?'} ${obj?.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj?.metadata?.name ?? '?'}`;
    for (const ref of imagesOfObject(obj)) {
      const set = uses.get(ref.image) ?? new Set<string>();
      set.add(`${id} ${ref.use} ${ref.name}`);
      uses.set(ref.image, set);
    }
  }
  return [...uses.keys()].sort(compareStrings).map(image => {
    const parsed = parseImageReference(image);
    const ok = !('reasons' in parsed);
    return {
      image,
      repository: ok ? (parsed.domain ? `${parsed.domain}/${parsed.path}` : parsed.path) : image,
      tag: ok ? parsed.tag ?? null : null,
      digest: ok ? parsed.digest ?? null : null,
      usedBy: [...uses.get(image)!].sort(compareStrings),
    };
  });
}

/** `modelship images <dir>`. */
export const imagesCommand: Command = {
  name: 'images',
  summary: 'list every image a synth output runs (containers, init containers, image volumes), with tag or digest',
  help: HELP,
  run(args: string[], context: CliContext): ExitCode {
    const parsed = directoryCommandArgs('images', HELP, args, context);
    if (!parsed) return ExitCode.OK;
    const { dir, format } = parsed;
    const read = readManifests(dir);
    for (const p of read.problems) context.err(`${p.file}:${p.kind}/${p.name}: ${p.path}: ${p.message}`);
    const images = fleetImages(read.objects.map(o => o.object));
    if (format === 'json') {
      context.out(JSON.stringify(images, null, 2));
    } else if (format === 'markdown') {
      context.out(`### Images (${images.length})`);
      context.out('');
      context.out(images.length === 0 ? 'No images.' : markdownTable(['image', 'pinned by', 'used by'],
        images.map(i => [`\`${i.image}\``, i.digest ? 'digest' : i.tag ? `tag ${i.tag}` : 'nothing (latest)', i.usedBy.join('<br>')])));
    } else {
      for (const i of images) context.out(i.image);
    }
    return read.problems.length > 0 ? ExitCode.PROBLEMS : ExitCode.OK;
  },
};
