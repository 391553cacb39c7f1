#ifndef HOSTDEV_CLIBXML2_STREAM_H
#define HOSTDEV_CLIBXML2_STREAM_H

#include "shim.h"

/*
 * Parsing a document one child of the root at a time: each element child of the root is handed to
 * a handler once its end tag is read, then freed with the text and comments around it, so the tree
 * never holds more than one child (a device of a host snapshot) at a time.
 */
typedef void (*hostdev_child_handler)(void *context, xmlNodePtr child);

typedef struct {
    /* First, so that the DOCTYPE and error hooks, which read parser->_private as a guard, work. */
    hostdev_dtd_guard guard;
    hostdev_child_handler handler;
    void *context;
} hostdev_stream_state;

static void hostdev_stream_end_element(void *context, const xmlChar *localname, const xmlChar *prefix,
                                       const xmlChar *uri) {
    xmlParserCtxtPtr parser = (xmlParserCtxtPtr)context;
    xmlNodePtr node = parser->node;
    hostdev_end_element(context, localname, prefix, uri);
    if (node == NULL || node->parent == NULL || node->parent->type != XML_ELEMENT_NODE) return;
    xmlNodePtr root = node->parent;
    if (root->parent == NULL || root->parent->type != XML_DOCUMENT_NODE) return;
    hostdev_stream_state *state = (hostdev_stream_state *)parser->_private;
    state->handler(state->context, node);
    /*
     * All the root's children go, not only this one: libxml2 appends the next text to the root's
     * last child when that is a text node, with lengths it kept for a node it made itself.
     */
    xmlNodePtr children = root->children;
    root->children = NULL;
    root->last = NULL;
    xmlFreeNodeList(children);
}

/*
 * Parses a buffer with the hooks of hostdev_read_memory and the child handler. The document, even a
 * partial one after an error, is left in parser->myDoc for the caller to free.
 */
static inline void hostdev_stream_memory(xmlParserCtxtPtr parser, int options, hostdev_stream_state *state) {
    parser->sax->startElementNs = hostdev_start_element;
    parser->sax->endElementNs = hostdev_stream_end_element;
    hostdev_install_guard(parser, state);
    xmlCtxtUseOptions(parser, options);
    xmlParseDocument(parser);
}

#endif
