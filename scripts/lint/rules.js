/**
 * Local ESLint rules (plugin "local" in eslint.config.mjs).
 *
 * `disable-needs-reason`: every `eslint-disable`, `eslint-disable-line` and
 * `eslint-disable-next-line` comment names the rules it turns off and says
 * why after ` -- ` (ESLint's own description syntax, ignored by ESLint when it
 * applies the directive). A bare directive is reported; so is one that turns
 * off every rule. ESLint's `reportUnusedDisableDirectives: "error"` (set in
 * eslint.config.mjs) reports the ones that no longer suppress anything.
 */
"use strict";

/** `eslint-disable...` directive text -> { kind, rules, reason }, or undefined for other comments. */
function parseDirective(text) {
  const match = /^\s*(eslint-disable(?:-next-line|-line)?)(?=\s|$)([\s\S]*)$/.exec(text);
  if (!match) return undefined;
  const [body, ...reasonParts] = match[2].split(/\s--\s/);
  const reason = reasonParts.join(" -- ").trim();
  const rules = body
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  return { kind: match[1], rules, reason };
}

const disableNeedsReason = {
  meta: {
    type: "suggestion",
    docs: { description: "require a reason (after ` -- `) and named rules on every eslint-disable comment" },
    schema: [],
    messages: {
      missingReason: "`{{kind}}` needs a reason on the same comment: `{{kind}} <rule> -- <why this is safe>`.",
      missingRules: "`{{kind}}` must name the rules it turns off (a bare directive silences every rule).",
    },
  },
  create(context) {
    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          const directive = parseDirective(comment.value);
          if (!directive) continue;
          if (!directive.rules.length) context.report({ loc: comment.loc, messageId: "missingRules", data: { kind: directive.kind } });
          if (directive.reason.length < 3) context.report({ loc: comment.loc, messageId: "missingReason", data: { kind: directive.kind } });
        }
      },
    };
  },
};

module.exports = {
  meta: { name: "ml-platform-local" },
  rules: { "disable-needs-reason": disableNeedsReason },
  parseDirective,
};
