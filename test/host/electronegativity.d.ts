// @doyensec/electronegativity ships no types: the part of its programmatic API the audit test uses.
declare module '@doyensec/electronegativity' {
  interface Level {
    value: number;
    name: string;
  }
  export interface Finding {
    id: string;
    file: string;
    location: { line: number; column: number };
    severity: Level;
    confidence: Level;
    manualReview: boolean;
    description: string;
  }
  export interface RunOptions {
    input: string;
    electronVersionOverride?: string;
    /** check class names, e.g. 'AvailableSecurityFixesGlobalCheck' */
    excludeFromScan?: string[];
    isRelative?: boolean;
  }
  export default function run(options: RunOptions, forCli?: false): Promise<{ errors: { file: string; message: string; tolerable: boolean }[]; issues: Finding[] }>;
}
