/**
 * The console's route table: every page and action, its method, path, lowest role and handler, in menu
 * order. How to add a page: see the top of router.ts. The public pages (sign-in, sign-out, language, assets)
 * are not here: app.ts serves them before any of these.
 */
import { activityPage } from './pages/activity/activity.ts';
import { addAlertAction, alertsPage, removeAlertAction } from './pages/alerts/alerts.ts';
import { confirmErasePage, contactsPage, eraseContactAction } from './pages/contacts/contacts.ts';
import { dashboardPage } from './pages/dashboard/dashboard.ts';
import { uploadTicket } from './pages/new-wave/audience-source.ts';
import { checkWaveAction, createWaveAction, emailPreview, newWavePage } from './pages/new-wave/new-wave.ts';
import {
  addReaderAction,
  digestPreviewFrame,
  readersPage,
  removeReaderAction,
  sendDigestAction,
} from './pages/readers/readers.ts';
import { responsesExport, responsesPage } from './pages/responses/responses.ts';
import {
  cancelReminderAction,
  cancelWaveAction,
  cancelWavePage,
  waveLive,
  wavePage,
} from './pages/wave/wave.ts';
import { wavesLive, wavesPage } from './pages/waves/waves.ts';
import { type Route, route } from './router.ts';

export const ROUTES: readonly Route[] = [
  route('GET', '/console', 'viewer', dashboardPage, { nav: 'nav.dashboard' }),
  route('GET', '/console/waves', 'viewer', wavesPage, { nav: 'nav.waves' }),
  route('GET', '/console/waves/new', 'editor', newWavePage),
  route('POST', '/console/waves/new', 'editor', createWaveAction),
  route('POST', '/console/waves/new/check', 'editor', checkWaveAction),
  route('POST', '/console/waves/new/upload', 'editor', uploadTicket),
  route('GET', '/console/waves/preview', 'editor', emailPreview),
  route('GET', '/console/waves/:id', 'viewer', wavePage),
  route('GET', '/console/waves/:id/cancel', 'editor', cancelWavePage),
  route('POST', '/console/waves/:id/cancel', 'editor', cancelWaveAction),
  route('POST', '/console/waves/:id/reminder/cancel', 'editor', cancelReminderAction),
  route('GET', '/console/api/waves', 'viewer', wavesLive),
  route('GET', '/console/api/waves/:id', 'viewer', waveLive),
  route('GET', '/console/responses', 'viewer', responsesPage, { nav: 'nav.responses' }),
  route('GET', '/console/responses/export.csv', 'viewer', responsesExport, { budget: 'export' }),
  route('GET', '/console/readers', 'viewer', readersPage, { nav: 'nav.readers' }),
  route('POST', '/console/readers', 'editor', addReaderAction),
  route('POST', '/console/readers/remove', 'editor', removeReaderAction),
  route('POST', '/console/readers/send', 'editor', sendDigestAction),
  route('GET', '/console/readers/preview', 'viewer', digestPreviewFrame),
  route('GET', '/console/alerts', 'viewer', alertsPage, { nav: 'nav.alerts' }),
  route('POST', '/console/alerts', 'editor', addAlertAction),
  route('POST', '/console/alerts/remove', 'editor', removeAlertAction),
  route('GET', '/console/contacts', 'admin', contactsPage, { nav: 'nav.contacts' }),
  route('POST', '/console/contacts/confirm', 'admin', confirmErasePage),
  route('POST', '/console/contacts/erase', 'admin', eraseContactAction),
  route('GET', '/console/activity', 'viewer', activityPage, { nav: 'nav.activity' }),
];
