import polyglotI18nProvider from 'ra-i18n-polyglot';
import { en } from './en.ts';
import { it } from './it.ts';

export const locales = [
  { locale: 'it', name: 'Italiano' },
  { locale: 'en', name: 'English' },
];

// Italian first: the contact centres are Italian; English for everyone else. The choice is remembered by react-admin's store.
export const i18nProvider = polyglotI18nProvider((locale) => (locale === 'en' ? en : it), 'it', locales);
