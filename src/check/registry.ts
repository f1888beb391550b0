import type { RuleInfo } from "./findings-report.js";
import type { Rule } from "./define-rule.js";
import { RUNBOOK_ID_UNIQUE } from "./project.js";
import approvalsKnown from "./rules/approvals-known.js";
import blockOutsideStep from "./rules/block-outside-step.js";
import drillConfig from "./rules/drill-config.js";
import fenceAttributes from "./rules/fence-attributes.js";
import fenceTerminated from "./rules/fence-terminated.js";
import fileContent from "./rules/file-content.js";
import frontmatterSchema from "./rules/frontmatter-schema.js";
import needsAcyclic from "./rules/needs-acyclic.js";
import needsKnown from "./rules/needs-known.js";
import onGroupKnown from "./rules/on-group-known.js";
import noShellPrompt from "./rules/no-shell-prompt.js";
import noTemplatePlaceholder from "./rules/no-template-placeholder.js";
import ownerPlaceholder from "./rules/owner-placeholder.js";
import paramDeclared from "./rules/param-declared.js";
import paramUsed from "./rules/param-used.js";
import requiresInstalled from "./rules/requires-installed.js";
import shellBlockUtf8 from "./rules/shell-block-utf8.js";
import rollbackOrIrreversible from "./rules/rollback-or-irreversible.js";
import { staleChanged, staleNeverVerified, staleOverdue } from "./rules/stale.js";
import stepId from "./rules/step-id.js";
import stepIdUnique from "./rules/step-id-unique.js";
import stepSingleCommand from "./rules/step-single-command.js";
import stepsSection from "./rules/steps-section.js";
import titlePresent from "./rules/title-present.js";
import variableNameReserved from "./rules/variable-name-reserved.js";
import yamlSyntax from "./rules/yaml-syntax.js";

/** Every rule, in the order their findings are documented. */
export const RULES: readonly Rule[] = [
  fileContent,
  yamlSyntax,
  frontmatterSchema,
  ownerPlaceholder,
  titlePresent,
  stepsSection,
  stepId,
  stepIdUnique,
  needsKnown,
  onGroupKnown,
  needsAcyclic,
  stepSingleCommand,
  blockOutsideStep,
  fenceAttributes,
  fenceTerminated,
  rollbackOrIrreversible,
  paramDeclared,
  paramUsed,
  approvalsKnown,
  noTemplatePlaceholder,
  variableNameReserved,
  noShellPrompt,
  shellBlockUtf8,
  requiresInstalled,
  drillConfig,
  staleNeverVerified,
  staleOverdue,
  staleChanged,
];

/** Every rule's metadata, including the checks that span files. */
export const RULE_INFO: readonly RuleInfo[] = [...RULES, RUNBOOK_ID_UNIQUE];
export const RULE_IDS: readonly string[] = RULE_INFO.map((r) => r.id);
