import { Box, Text, useInput } from "ink";
import { useRef, useState } from "react";
import { printableLine } from "../../core/printable.js";
import { paramHelp } from "../help.js";
import { keyPresses, pickChoice } from "../keys.js";
import { ChoiceList } from "./ChoiceList.js";
import { HelpBox } from "./HelpBox.js";
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
  /** For the list of keys. */
  readonly width?: number;
}

/**
 * Asks for one param, validating as it is typed; a secret is never echoed; choices are picked from a
 * list, where `?` lists the keys (a typed value may hold a `?`: there the line under it has the keys).
 */
export function ParamForm({ name, description, example, choices, secret, validate, onSubmit, theme, width = 80 }: ParamFormProps) {
  const [value, setValue] = useState("");
  // The list's state as of the last key, not of the last render: keys can come faster than renders,
  // and the key that closes the list of keys must not also take a value.
  const list = useRef({ at: 0, help: false, done: false });
  const [shown, setShown] = useState(list.current);
  useInput(
    (input, key) => {
      for (const k of keyPresses(input, key)) {
        const s = list.current;
        if (s.done) return;
        if (s.help) list.current = { ...s, help: false };
        else if (k.text === "?") list.current = { ...s, help: true };
        else {
          const r = pickChoice(choices?.length ?? 0, s.at, k);
          list.current = { ...s, at: r.at };
          const v = choices?.[r.at];
          if (r.take && v !== undefined && validate(v) === undefined) {
            list.current = { ...list.current, done: true };
            setShown(list.current);
            onSubmit(v);
            return;
          }
        }
      }
      setShown(list.current);
    },
    { isActive: choices !== undefined },
  );
  const error = value === "" ? undefined : validate(value);
  const submit = (v: string): boolean => {
    if (validate(v) !== undefined) return false;
    onSubmit(v);
    return true;
  };
  if (choices && shown.help) {
    return (
      <Box flexDirection="column">
        <HelpBox sections={paramHelp()} width={width} height={12} theme={theme} />
        <Text bold>Any key closes this list; it answers nothing.</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>
        {name}
        {description ? <Text dimColor> {printableLine(description)}</Text> : null}
        {secret ? <Text dimColor> (hidden)</Text> : null}
      </Text>
      {example !== undefined ? <Text dimColor>e.g. {printableLine(example)}</Text> : null}
      {choices ? (
        <>
          <ChoiceList choices={choices} selected={shown.at} theme={theme} />
          <Text dimColor>↑↓ or 1-{Math.min(9, choices.length)} choose · Enter confirm · ? keys</Text>
        </>
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
