/**
 * Examples for the document's named schemas, taken from the seeds (seed 003's request and
 * response bodies, seed 000's manual verification), with UUIDs where the seed shows `call_123`
 * because the API's ids are UUIDs and an example must be valid against its schema.
 */
const ORG = '0193a3c4-5f6e-7a8b-9c0d-1e2f3a4b5c6d';
const CALL = '0193a3c4-6a7b-7c8d-9e0f-a1b2c3d4e5f6';
const STAFF = '0193a3c4-7b8c-7d9e-8f0a-b1c2d3e4f5a6';

export const EXAMPLES: Record<string, unknown> = {
  OnCallCallCreate: {
    phoneNumber: '+447700900000',
    region: 'england',
    priority: 'normal',
    metadata: { caller_name: 'John Doe', location: 'Ward A' },
  },
  OnCallCallUpdate: { status: 'active', metadata: { assigned_staff: STAFF } },
  Call: {
    id: CALL,
    phoneNumber: '+447700900000',
    region: 'england',
    priority: 'normal',
    status: 'pending',
    direction: 'inbound',
    patientId: null,
    agentId: STAFF,
    notes: '',
    outcome: null,
    startTime: '2024-03-21T10:00:00.000Z',
    endTime: null,
    metadata: { caller_name: 'John Doe', location: 'Ward A' },
    organizationId: ORG,
    createdAt: '2024-03-21T10:00:00.000Z',
    updatedAt: '2024-03-21T10:00:00.000Z',
  },
  ScheduleCreate: {
    staffId: STAFF,
    type: 'regular',
    startTime: '2024-03-21T09:00:00Z',
    endTime: '2024-03-21T17:00:00Z',
    metadata: { location: 'Main Building', notes: 'Coverage for evening shift' },
  },
  ScheduleUpdate: { status: 'completed', metadata: { handover_notes: 'All tasks completed' } },
  RecordingCreate: {
    callId: CALL,
    url: 'https://storage.example.com/recordings/1.mp3',
    duration: 300,
    metadata: { format: 'mp3', size: '2.5MB' },
  },
  RecordingUpdate: { status: 'completed', duration: 360 },
  ComplianceCreate: {
    callId: CALL,
    region: 'england',
    regulatoryBody: 'CQC',
    checkType: 'recording_retention',
    details: { retentionPeriod: '7 years', encryptionLevel: 'AES-256', accessControls: ['role_based', 'mfa_required'] },
  },
  ComplianceUpdate: {
    status: 'compliant',
    details: { lastChecked: '2024-03-21T10:00:00Z', checkedBy: 'compliance_officer_123' },
  },
  CallCreate: { direction: 'inbound', phone_number: '07700 900123' },
  CallUpdate: { status: 'completed', notes: 'Confirmed appointment', outcome: 'resolved' },
  TaskCreate: { title: 'Call back about results', priority: 'high' },
  TaskUpdate: { status: 'completed' },
  LoginRequest: { email: 'agent1@demo.test', password: 'demo-password' },
  Error: { error: { code: 'VALIDATION_FAILED', message: 'validation failed', details: { phoneNumber: 'not a valid phone number' } } },
};
