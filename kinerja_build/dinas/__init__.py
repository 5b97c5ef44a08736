"""The district (Dinas Pendidikan) view over many school repositories: `kinerja dinas`.

    dinas.yml ──config──▶ DistrictConfig (schools: folder or git source)
        ──engine (Dask)──▶ one task per school: source → fingerprint → validate + PDF + export
                           (school pipeline functions, unchanged) → SchoolSummary (small, JSON)
        ──district──▶ cross-school checks, merged BKN hand-off per periode, not-ready list,
                      the Dinas's to-do, dashboard site

A school's task never raises into the district: any failure becomes a failed summary, so one
school never stops the others. Summaries are the only thing that travels back to the driver.
"""
