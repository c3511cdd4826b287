/** The intake form's side of the screen pop: one call, so IntakeForm stays as it was. */
import { useEffect } from 'react';
import type { UseFormGetValues, UseFormSetValue } from 'react-hook-form';
import type { IntakeInput } from '../../../../shared/schemas';
import { isBlank } from '../intake/draft';
import { registerIntakePort } from './callStore';

export function useIntakePort(form: { getValues: UseFormGetValues<IntakeInput>; setValue: UseFormSetValue<IntakeInput>; save: () => void }): void {
  const { getValues, setValue, save } = form;
  useEffect(() => {
    registerIntakePort({
      isBlank: () => isBlank(getValues()),
      phone: () => getValues('phone') ?? '',
      fillPhone: (number) => setValue('phone', number, { shouldDirty: true }),
      save,
    });
    return () => registerIntakePort(null);
  }, [getValues, setValue, save]);
}
