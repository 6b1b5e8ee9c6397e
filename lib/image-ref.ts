/**
 * Container image references, one grammar everywhere: the OCI distribution
 * reference grammar (distribution/reference, reference.go; the OCI
 * distribution spec's name and tag rules; checked 2026-12-07):
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ domain "/" ] path-component { "/" path-component }
 *   domain     := domain-component { "." domain-component } [ ":" port ]
 *   path-component := [a-z0-9]+ { ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ }
 *   tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest     := algorithm ":" hex, sha256 with exactly 64 lower-case hex digits
 *
 * A first component is a registry (domain) when it has a "." or a ":" or is
 * "localhost"; repository paths are lower case; the name is at most 255
 * characters.
 */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

export interface ImageReference {
  domain?: string;
  path: string;
  tag?: string;
  digest?: string;
}

/** Parses `ref`, or says what is wrong with it. */
export function parseImageReference(ref: string): ImageReference | { error: string } {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { error: `digest "${digest}" is not algorithm:hex` };
    if (digest.startsWith("sha256:") && !/^sha256:[0-9a-f]{64}$/.test(digest)) return { error: "a sha256 digest is exactly 64 lower-case hex digits" };
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { error: `tag "${tag}" is not 1-128 letters, digits, '_', '.' or '-' (not starting with '.' or '-')` };
  }
  if (rest.length > 255) return { error: "the name is longer than 255 characters" };
  const parts = rest.split("/");
  let domain: string | undefined;
  if (parts.length > 1 && (/[.:]/.test(parts[0]!) || parts[0] === "localhost")) {
    domain = parts.shift()!;
    if (!DOMAIN.test(domain)) return { error: `registry "${domain}" is not a host name with an optional port` };
  }
  if (!parts.length || parts.some((p) => !PATH_COMPONENT.test(p)))
    return { error: `repository "${parts.join("/")}" must be lower-case letters and digits, separated by '.', '_', '__', '-' or '/'` };
  return { ...(domain ? { domain } : {}), path: parts.join("/"), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** Why `ref` is not an image reference pinned by a tag other than latest or by a digest; undefined when it is. */
export function pinnedImageProblem(ref: string): string | undefined {
  const parsed = parseImageReference(ref);
  if ("error" in parsed) return `is not an image reference: ${parsed.error}`;
  if (!parsed.tag && !parsed.digest) return "must pin a tag or digest (…:1.4.0 or …@sha256:<64 hex digits>); an unpinned image changes under you";
  if (parsed.tag === "latest" && !parsed.digest) return "must be pinned: not the tag latest (a release must name exactly what it runs)";
  return undefined;
}
