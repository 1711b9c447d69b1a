import type { CalendarInput } from '../domain/calendar.ts';

const weekdaysOnly = (hours: string[], friday = hours) => ({ mon: hours, tue: hours, wed: hours, thu: hours, fri: friday });

/** The business calendars of the demo: the cities' back offices and their contact-centre lines. */
export const demoCalendars: { id: string; municipality_id: string; name: string; spec: CalendarInput }[] = [
  {
    id: 'mi-uffici',
    municipality_id: 'milano',
    name: 'Uffici comunali di Milano',
    spec: { weekly: weekdaysOnly(['08:30-12:30', '13:30-16:30'], ['08:30-12:30']), localHolidays: ['12-07'] },
  },
  {
    id: 'mi-020202',
    municipality_id: 'milano',
    name: 'Linea 020202',
    spec: { weekly: { ...weekdaysOnly(['08:00-19:00']), sat: ['08:00-14:00'] }, localHolidays: ['12-07'] },
  },
  {
    id: 'fi-uffici',
    municipality_id: 'firenze',
    name: 'Uffici comunali di Firenze',
    spec: { weekly: weekdaysOnly(['09:00-13:00', '14:30-17:00'], ['09:00-13:00']), localHolidays: ['06-24'] },
  },
  {
    id: 'fi-055055',
    municipality_id: 'firenze',
    name: 'Linea Comune 055055',
    spec: { weekly: { ...weekdaysOnly(['08:00-20:00']), sat: ['08:00-20:00'] }, localHolidays: ['06-24'] },
  },
];
