// The schedule file as written (format v1), after it passed the JSON Schema. Mirrors
// schedules/schedule.schema.json; see README "The schedule" for the meaning of each field.

export type StateDocument = {
  capacity?: Record<string, number>;
  replicas?: Record<string, number>;
};

export type WindowDocument = StateDocument & {
  name: string;
  description?: string;
  timezone?: string;
  priority?: number;
  weekly?: { days: string | string[]; from: string; to: string };
  cron?: { start: string; duration: string };
  absolute?: { from: string; to: string };
  alsoOn?: string[];
  exceptOn?: string[];
};

export type ScheduleDocument = {
  $schema?: string;
  version: 1;
  description?: string;
  timezone: string;
  dateLists?: Record<string, string[]>;
  nodeGroups: Record<string, { asg?: string; description?: string; min: number; max: number }>;
  workloads?: Record<string, { kind?: 'Deployment' | 'StatefulSet'; description?: string; min?: number; max?: number }>;
  default: { capacity: Record<string, number>; replicas?: Record<string, number> };
  windows?: WindowDocument[];
};
