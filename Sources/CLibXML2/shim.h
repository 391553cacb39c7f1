#ifndef HOSTDEV_CLIBXML2_SHIM_H
#define HOSTDEV_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU; its headers clash with Foundation's. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/relaxng.h>
#include <libxml/SAX2.h>
#include <stdint.h>
#include <string.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlIO.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* xmlFree is a global function-pointer variable; Swift 6 wants a function. */
static inline void hostdev_xml_free(void *pointer) { xmlFree(pointer); }

/*
 * Where a refused DOCTYPE started, filled in by the SAX hook below, and the first error libxml2
 * raised (libxml2 keeps only the last, which after a fatal error is often a consequence of it).
 */
typedef struct {
    int refused;
    int line;
    int column;
    int firstErrorLevel;
    int firstErrorLine;
    int firstErrorColumn;
    char firstErrorMessage[512];
} hostdev_dtd_guard;

/* Keeps the first error of the highest level seen (fatal over error); warnings are ignored. */
static void hostdev_record_error(void *context, xmlErrorPtr error) {
    xmlParserCtxtPtr parser = (xmlParserCtxtPtr)context;
    if (parser == NULL || error == NULL || error->level < XML_ERR_ERROR) return;
    hostdev_dtd_guard *guard = (hostdev_dtd_guard *)parser->_private;
    if (guard == NULL || (int)error->level <= guard->firstErrorLevel) return;
    guard->firstErrorLevel = (int)error->level;
    guard->firstErrorLine = error->line;
    guard->firstErrorColumn = error->int2;
    const char *message = error->message != NULL ? error->message : "";
    size_t length = strlen(message);
    if (length >= sizeof guard->firstErrorMessage) length = sizeof guard->firstErrorMessage - 1;
    memcpy(guard->firstErrorMessage, message, length);
    guard->firstErrorMessage[length] = 0;
}

/* What the pre-scan found: the first bound exceeded (1 elements, 2 attributes) and where. */
typedef struct {
    int exceeded;
    size_t count;
    size_t line;
    size_t column;
} hostdev_scan_result;

/* Moves `index` past the first occurrence of `needle` (or to the end); counts newlines. */
static inline size_t hostdev_skip_past(const unsigned char *bytes, size_t size, size_t index, const char *needle,
                                       size_t *line, size_t *lineStart) {
    size_t length = strlen(needle);
    while (index < size) {
        if (bytes[index] == '\n') {
            *line += 1;
            *lineStart = index + 1;
        }
        if (index + length <= size && memcmp(bytes + index, needle, length) == 0) return index + length;
        index += 1;
    }
    return size;
}

/*
 * One linear pass over the markup, before libxml2 sees it: counts start tags and the attributes of
 * each (libxml2's duplicate-attribute check is quadratic in their number), so a hostile input is
 * refused before any of that work.
 */
static inline void hostdev_prescan(const unsigned char *bytes, size_t size, size_t maxElements,
                                   size_t maxAttributes, hostdev_scan_result *result) {
    size_t line = 1, lineStart = 0, elements = 0, index = 0;
    result->exceeded = 0;
    while (index < size) {
        unsigned char byte = bytes[index];
        if (byte == '\n') {
            line += 1;
            lineStart = index + 1;
            index += 1;
            continue;
        }
        if (byte != '<' || index + 1 >= size) {
            index += 1;
            continue;
        }
        size_t tagLine = line, tagColumn = index - lineStart + 1;
        unsigned char next = bytes[index + 1];
        int comment = next == '!' && index + 3 < size && bytes[index + 2] == '-' && bytes[index + 3] == '-';
        int cdata = !comment && next == '!' && index + 8 < size && memcmp(bytes + index, "<![CDATA[", 9) == 0;
        if (comment || cdata || next == '?') {
            /* A comment, a CDATA section or a processing instruction is a node of the tree too: counted
               with the elements, so that a document of nothing else stays within the bound. */
            elements += 1;
            if (elements > maxElements) {
                *result = (hostdev_scan_result){1, elements, tagLine, tagColumn};
                return;
            }
        }
        if (comment) {
            index = hostdev_skip_past(bytes, size, index + 4, "-->", &line, &lineStart);
        } else if (cdata) {
            index = hostdev_skip_past(bytes, size, index + 9, "]]>", &line, &lineStart);
        } else if (next == '?') {
            index = hostdev_skip_past(bytes, size, index + 2, "?>", &line, &lineStart);
        } else if (next == '!' || next == '/') {
            index = hostdev_skip_past(bytes, size, index + 2, ">", &line, &lineStart);
        } else {
            elements += 1;
            if (elements > maxElements) {
                *result = (hostdev_scan_result){1, elements, tagLine, tagColumn};
                return;
            }
            size_t attributes = 0;
            unsigned char quote = 0;
            index += 1;
            while (index < size) {
                byte = bytes[index];
                if (byte == '\n') {
                    line += 1;
                    lineStart = index + 1;
                } else if (quote != 0) {
                    if (byte == quote) quote = 0;
                } else if (byte == '"' || byte == '\'') {
                    quote = byte;
                } else if (byte == '=') {
                    attributes += 1;
                    if (attributes > maxAttributes) {
                        *result = (hostdev_scan_result){2, attributes, tagLine, tagColumn};
                        return;
                    }
                } else if (byte == '>') {
                    break;
                }
                index += 1;
            }
            index += 1;
        }
    }
    result->count = elements;
}

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

/*
 * Source offsets of elements, kept in node->_private so that an edited document can be written back
 * by splicing new nodes into the original bytes: the high 32 bits hold 1 + the offset just past the
 * start tag, the low 32 bits 1 + the offset just past the end tag. Nodes a program adds are marked
 * HOSTDEV_NEW_NODE. Inputs are bounded well below 4 GiB, so the offsets fit.
 */
#define HOSTDEV_NEW_NODE ((void *)(uintptr_t)1)

static inline size_t hostdev_parser_offset(xmlParserCtxtPtr parser) {
    return parser->input->consumed + (size_t)(parser->input->cur - parser->input->base);
}

static void hostdev_start_element(void *context, const xmlChar *localname, const xmlChar *prefix,
                                  const xmlChar *uri, int namespaceCount, const xmlChar **namespaces,
                                  int attributeCount, int defaultedCount, const xmlChar **attributes) {
    xmlParserCtxtPtr parser = (xmlParserCtxtPtr)context;
    xmlSAX2StartElementNs(context, localname, prefix, uri, namespaceCount, namespaces, attributeCount,
                          defaultedCount, attributes);
    if (parser->node != NULL && parser->input != NULL && parser->input->cur != NULL) {
        /* The parser stands on the '>' or '/>' that closes the start tag. */
        size_t end = hostdev_parser_offset(parser) + (parser->input->cur[0] == '/' ? 2 : 1);
        parser->node->_private = (void *)(uintptr_t)(((uint64_t)(end + 1)) << 32);
    }
}

static void hostdev_end_element(void *context, const xmlChar *localname, const xmlChar *prefix,
                                const xmlChar *uri) {
    xmlParserCtxtPtr parser = (xmlParserCtxtPtr)context;
    xmlNodePtr node = parser->node;
    if (node != NULL && parser->input != NULL && parser->input->cur != NULL) {
        uint64_t start = (uint64_t)(uintptr_t)node->_private & 0xffffffff00000000ull;
        node->_private = (void *)(uintptr_t)(start | (uint64_t)(hostdev_parser_offset(parser) + 1));
    }
    xmlSAX2EndElementNs(context, localname, prefix, uri);
}

/*
 * Installs the DOCTYPE refusal and the error recorder. `record` becomes parser->_private and must
 * start with a hostdev_dtd_guard, which those handlers read there.
 */
static inline void hostdev_install_guard(xmlParserCtxtPtr parser, void *record) {
    parser->sax->internalSubset = hostdev_refuse_internal_subset;
    parser->sax->serror = hostdev_record_error;
    parser->_private = record;
}

/* Parses a buffer with the DOCTYPE guard installed; the caller frees the context. */
static inline xmlDocPtr hostdev_read_memory(xmlParserCtxtPtr parser, const char *buffer, int size, const char *url,
                                            int options, hostdev_dtd_guard *guard) {
    parser->sax->startElementNs = hostdev_start_element;
    parser->sax->endElementNs = hostdev_end_element;
    hostdev_install_guard(parser, guard);
    return xmlCtxtReadMemory(parser, buffer, size, url, NULL, options);
}

/*
 * A parse that checks bytes against a tree instead of building one: the DOCTYPE guard comes first,
 * so that its handlers find it at parser->_private, then the checker the other handlers use.
 */
typedef struct {
    hostdev_dtd_guard guard;
    void *checker;
} hostdev_read_back;

static void hostdev_ignore_generic_error(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

/* libxml2 prints stray errors to stderr; findings are collected, never printed. */
static inline void hostdev_mark_new(xmlNodePtr node) { node->_private = HOSTDEV_NEW_NODE; }

static inline int hostdev_is_new(xmlNodePtr node) { return node->_private == HOSTDEV_NEW_NODE; }

/* Offsets past the start tag and past the end tag, or 0 when the node carries none. */
static inline size_t hostdev_start_tag_end(xmlNodePtr node) {
    uint64_t value = (uint64_t)(uintptr_t)node->_private;
    return value == 1 ? 0 : (size_t)(value >> 32);
}

static inline size_t hostdev_end_tag_end(xmlNodePtr node) {
    uint64_t value = (uint64_t)(uintptr_t)node->_private;
    return value == 1 ? 0 : (size_t)(value & 0xffffffffull);
}

static inline void hostdev_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, hostdev_ignore_generic_error);
}

/*
 * Files libxml2 opens itself (a schema and the files it includes): libxml2's own file input opens a
 * path blocking, so a FIFO or a device in a schema file's place would hang the compile forever, and
 * its HTTP input would fetch an include from the network. These callbacks, registered after
 * libxml2's and so tried first, take every URI: a regular local file is read as libxml2 would read
 * it; anything else (a FIFO, a device, a URL) fails to read, as an I/O error naming it, rather than
 * falling through to libxml2's own input.
 */
typedef struct {
    int descriptor;
} hostdev_local_file;

/* Whether a path is on a kernel file system (proc, sysfs, tracefs, debugfs, securityfs, configfs,
   bpf, cgroup), whose files may call themselves regular yet wait for data or act when read
   (/proc/kmsg hands its messages to whoever reads them). */
static inline int hostdev_is_kernel_file(const char *path) {
    struct statfs status;
    if (statfs(path, &status) != 0) return 0;
    switch ((unsigned long)status.f_type) {
    case 0x9fa0UL: case 0x62656572UL: case 0x74726163UL: case 0x64626720UL:
    case 0x73636673UL: case 0x62656570UL: case 0xcafe4a11UL: case 0x63677270UL: case 0x27e0ebUL:
        return 1;
    default:
        return 0;
    }
}

static inline const char *hostdev_local_path(const char *uri) {
    if (uri == NULL) return NULL;
    if (strncmp(uri, "file://localhost/", 17) == 0) return uri + 16;
    if (strncmp(uri, "file:///", 8) == 0) return uri + 7;
    if (strstr(uri, "://") != NULL) return NULL;
    return uri;
}

/* Every URI: one that is not a local file (http://, ftp://) opens to a file that fails to read, so
   that libxml2 never falls through to its network input. */
static inline int hostdev_local_match(const char *uri) { return uri != NULL; }

static inline void *hostdev_local_open(const char *uri) {
    const char *path = hostdev_local_path(uri);
    hostdev_local_file *file = (hostdev_local_file *)malloc(sizeof *file);
    if (file == NULL) return NULL;
    struct stat before;
    /* Looked at before it is opened: opening some devices acts (a watchdog arms, a tape rewinds). */
    if (path == NULL || (stat(path, &before) == 0 && !S_ISREG(before.st_mode)) || hostdev_is_kernel_file(path)) {
        file->descriptor = -1;
        return file;
    }
    file->descriptor = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (file->descriptor < 0) {
        free(file);
        return NULL;
    }
    struct stat status;
    if (fstat(file->descriptor, &status) != 0 || !S_ISREG(status.st_mode)) {
        close(file->descriptor);
        file->descriptor = -1;
        return file;
    }
    /* Left non-blocking: a kernel file that calls itself regular and waits for data (/proc/kmsg,
       tracefs' trace_pipe) fails to read instead of hanging the compile. */
    return file;
}

static inline int hostdev_local_read(void *context, char *buffer, int length) {
    hostdev_local_file *file = (hostdev_local_file *)context;
    if (file == NULL || file->descriptor < 0) return -1;
    for (;;) {
        ssize_t count = read(file->descriptor, buffer, (size_t)length);
        if (count >= 0) return (int)count;
        if (errno != EINTR) return -1;
    }
}

static inline int hostdev_local_close(void *context) {
    hostdev_local_file *file = (hostdev_local_file *)context;
    if (file == NULL) return 0;
    if (file->descriptor >= 0) close(file->descriptor);
    free(file);
    return 0;
}

static inline void hostdev_register_local_input(void) {
    xmlRegisterInputCallbacks(hostdev_local_match, hostdev_local_open, hostdev_local_read, hostdev_local_close);
}

#endif
