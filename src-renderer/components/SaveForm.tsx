/** A form that saves on submit (Enter, the button) and on the save chord (ctrl/cmd+enter) anywhere inside it. */
import type { FormHTMLAttributes, ReactNode } from 'react';
import { isSaveChord } from '../shortcuts';

type Props = Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit' | 'onKeyDown'> & {
  onSave: () => Promise<void> | void;
  children: ReactNode;
};

export function SaveForm({ onSave, children, ...rest }: Props) {
  return (
    <form
      {...rest}
      onSubmit={(e) => {
        e.preventDefault();
        void onSave();
      }}
      onKeyDown={(e) => {
        if (isSaveChord(e)) {
          e.preventDefault();
          void onSave();
        }
      }}
    >
      {children}
    </form>
  );
}
