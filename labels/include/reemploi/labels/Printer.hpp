// Sending labels to printers: ZPL II over raw TCP (Zebra printers, port 9100) or PDF to a CUPS
// queue through `lp`. Every failure is an Error naming the printer, so that the caller marks
// nothing printed.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <reemploi/common/Result.hpp>
#include <reemploi/labels/Label.hpp>

namespace reemploi::labels {

struct PrinterAddress {
    enum class Kind { Tcp, Cups };
    Kind kind = Kind::Tcp;
    std::string host;   // tcp
    int port = 9100;    // tcp
    std::string queue;  // cups

    std::string str() const;  // "tcp://host:9100", "cups:QUEUE"
};

// "tcp://HOST[:PORT]" (port 9100 by default; an IPv6 host in brackets) or "cups:QUEUE".
Result<PrinterAddress> parsePrinter(std::string_view spec);

struct PrintOptions {
    std::chrono::milliseconds timeout{5000};  // to connect, to send, and for each status reply
    // Before sending, ask a ZPL printer for its host status (~HS) and refuse to send when it
    // does not answer or reports paper out, ribbon out, head open or pause.
    bool checkStatus = true;
    std::string lpCommand = "lp";  // the CUPS client; a path or a name looked up in PATH
    std::string title = "reemploi labels";
};

struct PrintReceipt {
    std::string printer;  // the address, as str()
    std::string format;   // "zpl" or "pdf"
    std::size_t bytes = 0;
    std::string job;      // CUPS's request id ("QUEUE-42"), empty for TCP
};

// Sends ZPL to a TCP printer as it is.
Result<PrintReceipt> sendZpl(const PrinterAddress &printer, const std::string &zpl, const PrintOptions &options = {});
// Sends a PDF to a CUPS queue through `lp -d QUEUE`.
Result<PrintReceipt> sendPdf(const PrinterAddress &printer, const std::string &pdf, const PrintOptions &options = {});

// Renders the labels in the printer's language (ZPL for tcp, PDF for cups) and sends them.
Result<PrintReceipt> printLabels(const std::vector<LabelData> &labels, const Media &media,
                                 const LayoutOptions &layout, const PrinterAddress &printer,
                                 const PrintOptions &options = {});

}  // namespace reemploi::labels
