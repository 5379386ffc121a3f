"""The yearly cycle: reporting rules and their dated dues, reminders, calendars and the compiled report.

Built on ``hoptac.records`` (plans, tasks, occurrences, agencies) by foreign key:

- ``rules``: the plan's reporting duties (``reporting`` in the stored extraction) become editable
  ``ReportingRule`` rows; each year's ``ReportDue`` rows are generated ahead of time;
- ``remind``: one digest e-mail per agency and day (``hoptac remind``);
- ``ical``: iCalendar feeds per user, agency, partner and plan, opened with a per-user secret token;
- ``report``, ``docx_report``, ``xlsx``, ``pdf``: the province's yearly report on a plan
  (``hoptac report``), the task table that imports back (``hoptac import``).
"""
