/** Patients: search by name or number; the selected patient's card. */
import { useEffect } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { useDebounced, useFocusOn } from '../../lib/hooks';
import { usePatients } from '../../stores/patients';
import { useUi } from '../../stores/ui';
import { PatientCardView } from './PatientCard';

function PatientResults() {
  const ids = usePatients((s) => s.ids);
  const byId = usePatients((s) => s.byId);
  const selectedId = usePatients((s) => s.selectedId);
  const select = usePatients((s) => s.select);
  const searched = usePatients((s) => s.searched);
  if (ids.length === 0) return <p className="empty">{searched ? 'No patients match.' : 'Searching…'}</p>;
  return (
    <ul className="plain-list" aria-label="Patients found">
      {ids.map((id) => {
        const p = byId[id]!;
        return (
          <li key={id}>
            <button type="button" className={id === selectedId ? 'row patient-row selected' : 'row patient-row'} aria-current={id === selectedId || undefined} onClick={() => select(id)}>
              <span className="primary-text">{p.full_name}</span>
              <span className="secondary-text">
                {p.phone_number}
                {p.date_of_birth && ` · born ${p.date_of_birth}`}
                {p.mrn && ` · MRN ${p.mrn}`}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function PatientsView() {
  const q = usePatients((s) => s.q);
  const setQuery = usePatients((s) => s.setQuery);
  const search = usePatients((s) => s.search);
  const error = usePatients((s) => s.error);
  const selectedId = usePatients((s) => s.selectedId);
  const debounced = useDebounced(q, 200);
  const searchRef = useFocusOn<HTMLInputElement>(useUi((s) => s.searchFocus));

  useEffect(() => {
    void search();
  }, [debounced, search]);

  return (
    <section className="view split" aria-labelledby="patients-title">
      <div className="pane list-pane narrow">
        <header className="view-header">
          <h1 id="patients-title">Patients</h1>
        </header>
        <div className="toolbar" role="search" aria-label="Patient search">
          <input
            ref={searchRef}
            type="search"
            className="search wide"
            placeholder="Name or phone number  /"
            aria-label="Search patients"
            value={q}
            autoFocus
            onChange={(e) => setQuery(e.target.value)}
          />
        </div>
        <ErrorNote error={error} />
        <PatientResults />
      </div>
      <div className="pane detail-pane">{selectedId ? <PatientCardView /> : <p className="empty">Search for a patient by name or number.</p>}</div>
    </section>
  );
}
