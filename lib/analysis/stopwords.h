/*
 * stopwords.h - German function words dropped from queries (internal).
 */
#ifndef WS_STOPWORDS_H
#define WS_STOPWORDS_H

/* 1 if the folded term is a stopword. */
int ws_is_stopword(const char *term);

#endif /* WS_STOPWORDS_H */
