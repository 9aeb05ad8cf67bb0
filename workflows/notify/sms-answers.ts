/** YES / NO in an SMS reply, however it is written. */
export function parseAnswer(text: string): 'yes' | 'no' | null {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, '');
  if (['yes', 'y', 'yes it was me', 'it was me', 'si', 'oui'].includes(t)) return 'yes';
  if (['no', 'n', 'not me', 'no it was not me', 'non'].includes(t)) return 'no';
  return null;
}
