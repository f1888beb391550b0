import { Box, Text, useInput } from "ink";
import { useState } from "react";
import { printableLine } from "../../views/printable.js";
import { paramHelp } from "../help.js";
import { keyPresses } from "../keys.js";
import { ChoiceInput } from "./ChoiceInput.js";
import { LineInput } from "./LineInput.js";
import { HelpBox } from "./HelpBox.js";
import { fg, type Theme } from "./theme.js";

export interface ParamFormProps {
  readonly name: string;
  readonly description: string | undefined;
  readonly example: string | undefined;
  /** The only values allowed: chosen from a list instead of typed. */
  readonly choices: readonly string[] | undefined;
  readonly secret: boolean;
  readonly validate: (value: string) => string | undefined;
  readonly onSubmit: (value: string) => void;
  readonly theme: Theme;
  /** For the list of keys. */
  readonly width?: number;
}

/**
 * Asks for one param, validating as it is typed; a secret is never echoed; choices are picked from a
 * list, where `?` lists the keys (a typed value may hold a `?`: there the line under it has the keys).
 */
export function ParamForm({ name, description, example, choices, secret, validate, onSubmit, theme, width = 80 }: ParamFormProps) {
  const [value, setValue] = useState("");
  const [help, setHelp] = useState(false);
  useInput(
    (input, key) => {
      for (const k of keyPresses(input, key)) {
        if (help) setHelp(false);
        else if (k.text === "?") setHelp(true);
      }
    },
    { isActive: choices !== undefined },
  );
  const error = value === "" ? undefined : validate(value);
  const submit = (v: string): boolean => {
    if (validate(v) !== undefined) return false;
    onSubmit(v);
    return true;
  };
  return (
    <Box flexDirection="column">
      {help ? <HelpBox sections={paramHelp()} width={width} height={12} theme={theme} /> : null}
      {help ? <Text bold>Any key closes this list; it answers nothing.</Text> : null}
      {/* Hidden, not unmounted, while the keys are listed: the choice under the cursor stays where it was. */}
      <Box flexDirection="column" borderStyle="round" paddingX={1} display={help ? "none" : "flex"}>
        <Text bold>
          {name}
          {description ? <Text dimColor> {printableLine(description)}</Text> : null}
          {secret ? <Text dimColor> (hidden)</Text> : null}
        </Text>
        {example !== undefined ? <Text dimColor>e.g. {printableLine(example)}</Text> : null}
        {choices ? (
          <ChoiceInput key={name} choices={choices} onSubmit={submit} theme={theme} active={!help} />
        ) : (
          <>
            <Box>
              <Text>› </Text>
              <LineInput key={name} secret={secret} onChange={setValue} onSubmit={submit} />
            </Box>
            {error ? <Text {...fg(theme, "red")}>{error}</Text> : <Text dimColor>Enter to confirm; Ctrl-U clears</Text>}
          </>
        )}
      </Box>
    </Box>
  );
}
