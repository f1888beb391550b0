import { Box, Text } from "ink";
import { useState } from "react";
import { printableLine } from "../../views/printable.js";
import { ChoiceInput } from "./ChoiceInput.js";
import { LineInput } from "./LineInput.js";
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
}

/** Asks for one param, validating as it is typed; a secret is never echoed; choices are picked from a list. */
export function ParamForm({ name, description, example, choices, secret, validate, onSubmit, theme }: ParamFormProps) {
  const [value, setValue] = useState("");
  const error = value === "" ? undefined : validate(value);
  const submit = (v: string): boolean => {
    if (validate(v) !== undefined) return false;
    onSubmit(v);
    return true;
  };
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold wrap="truncate-end">
        {name}
        {description ? <Text dimColor> {printableLine(description)}</Text> : null}
        {secret ? <Text dimColor> (hidden)</Text> : null}
      </Text>
      {example !== undefined ? <Text dimColor wrap="truncate-end">e.g. {printableLine(example)}</Text> : null}
      {choices ? (
        <ChoiceInput key={name} choices={choices} onSubmit={submit} theme={theme} />
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
  );
}
