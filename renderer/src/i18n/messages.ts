// Strings go through messages defined per feature, in English and Simplified Chinese. The compiler checks that
// every English key has a Chinese counterpart.
import { useUiStore, type Language } from '../state/ui-store';

export type Messages<T extends Record<string, string>> = { en: T; 'zh-CN': { [K in keyof T]: string } };

/** Returns a hook giving the current language's strings, e.g. `const m = useShellMessages(); m.instances`. */
export function defineMessages<T extends Record<string, string>>(m: Messages<T>): () => T {
  return () => {
    const lang: Language = useUiStore((s) => s.language);
    return (m[lang] ?? m.en) as T;
  };
}

export { fmt } from './fmt';
