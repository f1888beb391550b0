import { Text, useInput } from "ink";
import { useRef, useState } from "react";
import { editLine, keyPresses } from "../keys.js";

export interface LineInputProps {
  readonly secret: boolean;
  readonly onChange: (value: string) => void;
  /** Returns whether the value was taken; keys after a refused Enter keep editing. */
  readonly onSubmit: (value: string) => boolean;
}

/**
 * One line of text. Every key of a read is applied in order (a paste, or text and Enter that arrive
 * together over ssh); control characters never reach the value. A secret shows only stars.
 */
export function LineInput({ secret, onChange, onSubmit }: LineInputProps) {
  const [value, setValue] = useState("");
  // The value as of the last key: several reads may arrive before React renders again.
  const current = useRef("");
  useInput((input, key) => {
    for (const k of keyPresses(input, key)) {
      const r = editLine(current.current, k);
      if (r.value !== current.current) {
        current.current = r.value;
        setValue(r.value);
        onChange(r.value);
      }
      if (r.submit && onSubmit(current.current)) return;
    }
  });
  return (
    <Text>
      {secret ? "*".repeat(Array.from(value).length) : value}
      <Text inverse> </Text>
    </Text>
  );
}
