/** Slots of a day one may book energy for from the calendar: blocks of a few hours, future only. */

export interface Slot {
  start: Date;
  end: Date;
}

/** Hours per bookable block: eight a day, few enough to tap on a phone. */
export const SLOT_HOURS = 3;

/**
 * The day's blocks that start after `nowMs` (local midnight onward). A block already running is
 * left out: the market plans ahead of each gate, and the form still lets the times be edited.
 */
export function bookableSlots(day: Date, nowMs: number, hours = SLOT_HOURS): Slot[] {
  const slots: Slot[] = [];
  for (let hour = 0; hour < 24; hour += hours) {
    const start = new Date(day.getFullYear(), day.getMonth(), day.getDate(), hour);
    const end = new Date(day.getFullYear(), day.getMonth(), day.getDate(), hour + hours);
    if (start.getTime() > nowMs) slots.push({ start, end });
  }
  return slots;
}
