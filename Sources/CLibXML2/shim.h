#ifndef HOSTDEV_CLIBXML2_SHIM_H
#define HOSTDEV_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU; its headers clash with Foundation's. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

/* xmlFree is a global function-pointer variable; Swift 6 wants a function. */
static inline void hostdev_xml_free(void *pointer) { xmlFree(pointer); }

/* Where a refused DOCTYPE started; filled in by the SAX hook below. */
typedef struct {
    int refused;
    int line;
    int column;
} hostdev_dtd_guard;

/*
 * Domain XML never carries a DOCTYPE. A DTD is the only way to declare
 * entities, so refusing it at its first byte rules out external entities,
 * external DTDs, parameter entities and expansion bombs in one place.
 */
static void hostdev_refuse_internal_subset(void *context, const xmlChar *name, const xmlChar *externalID,
                                           const xmlChar *systemID) {
    (void)name;
    (void)externalID;
    (void)systemID;
    xmlParserCtxtPtr parser = (xmlParserCtxtPtr)context;
    hostdev_dtd_guard *guard = (hostdev_dtd_guard *)parser->_private;
    if (guard != NULL) {
        guard->refused = 1;
        guard->line = parser->input != NULL ? parser->input->line : 0;
        guard->column = parser->input != NULL ? parser->input->col : 0;
    }
    xmlStopParser(parser);
}

/* Parses a buffer with the DOCTYPE guard installed; the caller frees the context. */
static inline xmlDocPtr hostdev_read_memory(xmlParserCtxtPtr parser, const char *buffer, int size, const char *url,
                                            int options, hostdev_dtd_guard *guard) {
    parser->sax->internalSubset = hostdev_refuse_internal_subset;
    parser->_private = guard;
    return xmlCtxtReadMemory(parser, buffer, size, url, NULL, options);
}

static void hostdev_ignore_generic_error(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

/* libxml2 prints stray errors to stderr; findings are collected, never printed. */
static inline void hostdev_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, hostdev_ignore_generic_error);
}

#endif
