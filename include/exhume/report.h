/* Outputs built from findings: the timeline (report documents follow). */
#ifndef EXHUME_REPORT_H
#define EXHUME_REPORT_H

#include "exhume/core.h"
#include "exhume/findings.h"

/*
 * timeline.csv in Timesketch's columns (message, datetime, timestamp,
 * timestamp_desc, plus level, score, check, path): one row per dated log
 * or event finding and one per $STANDARD_INFORMATION and $FILE_NAME time
 * of every flagged file, oldest first, so the story (SSRF, OAB reset, web
 * shell written, first request to it) reads top to bottom.  Every field is
 * CSV-escaped with the formula guard.  Returns EXH_OK or EXH_ENOMEM.
 */
int exh_report_timeline_csv(const struct exh_findings *fs, struct exh_buf *out);

#endif /* EXHUME_REPORT_H */
