import { Text, useInput } from "ink";
import { useRef, useState } from "react";
import { keyPresses } from "../keys.js";
import { ChoiceList } from "./ChoiceList.js";
import type { Theme } from "./theme.js";

export interface ChoiceInputProps {
  readonly choices: readonly string[];
  /** Returns whether the value was taken. */
  readonly onSubmit: (value: string) => boolean;
  readonly theme: Theme;
  /** False while something else takes the keys (the list of keys). */
  readonly active?: boolean;
}

/** Picks one of a param's choices: arrows and Enter, or its number. */
export function ChoiceInput({ choices, onSubmit, theme, active = true }: ChoiceInputProps) {
  const [selected, setSelected] = useState(0);
  const current = useRef(0);
  useInput((input, key) => {
    for (const k of keyPresses(input, key)) {
      const n = choices.length;
      const digit = Number(k.text);
      if (k.nav === "up") current.current = (current.current + n - 1) % n;
      else if (k.nav === "down") current.current = (current.current + 1) % n;
      else if (k.text !== "" && Number.isInteger(digit) && digit >= 1 && digit <= n) current.current = digit - 1;
      if (k.return || (k.text !== "" && Number.isInteger(digit) && digit >= 1 && digit <= n)) {
        if (onSubmit(choices[current.current]!)) return;
      }
    }
    setSelected(current.current);
  }, { isActive: active });
  return (
    <>
      <ChoiceList choices={choices} selected={selected} theme={theme} />
      <Text dimColor>↑↓ or 1-{Math.min(9, choices.length)} choose · Enter confirm · ? keys</Text>
    </>
  );
}
