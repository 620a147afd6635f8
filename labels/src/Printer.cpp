// Printers: raw TCP (ZPL, with a ~HS host status check first) and CUPS through `lp`.
#include <reemploi/labels/Printer.hpp>

#include <reemploi/labels/Render.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Path.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/StringTokenizer.h>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

namespace reemploi::labels {

std::string PrinterAddress::str() const {
    if (kind == Kind::Cups) return "cups:" + queue;
    const bool v6 = host.find(':') != std::string::npos;
    return "tcp://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<PrinterAddress> parsePrinter(std::string_view spec) {
    const std::string s(spec);
    PrinterAddress p;
    if (s.rfind("cups:", 0) == 0) {
        p.kind = PrinterAddress::Kind::Cups;
        p.queue = s.substr(5);
        if (p.queue.empty() || p.queue.find_first_of(" \t/#") != std::string::npos)
            return makeError(Errc::InvalidInput, "printer '" + s + "': a CUPS queue name has no spaces, '/' or '#'");
        return p;
    }
    if (s.rfind("tcp://", 0) != 0)
        return makeError(Errc::InvalidInput, "printer '" + s + "': expected tcp://HOST:PORT or cups:QUEUE");
    std::string rest = s.substr(6);
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    std::string portText;
    if (!rest.empty() && rest[0] == '[') {
        const auto close = rest.find(']');
        if (close == std::string::npos) return makeError(Errc::InvalidInput, "printer '" + s + "': unclosed '['");
        p.host = rest.substr(1, close - 1);
        if (close + 1 < rest.size()) {
            if (rest[close + 1] != ':') return makeError(Errc::InvalidInput, "printer '" + s + "': junk after ']'");
            portText = rest.substr(close + 2);
        }
    } else {
        const auto colon = rest.find(':');
        p.host = rest.substr(0, colon);
        if (colon != std::string::npos) portText = rest.substr(colon + 1);
    }
    if (p.host.empty() || p.host.find_first_of("/ ") != std::string::npos)
        return makeError(Errc::InvalidInput, "printer '" + s + "': no host");
    if (!portText.empty() || rest.find(':') != std::string::npos) {
        char *end = nullptr;
        const long port = std::strtol(portText.c_str(), &end, 10);
        if (portText.empty() || *end != '\0' || port < 1 || port > 65535)
            return makeError(Errc::InvalidInput, "printer '" + s + "': port '" + portText + "' is not 1-65535");
        p.port = static_cast<int>(port);
    }
    return p;
}

namespace {

std::string seconds(std::chrono::milliseconds t) {
    std::ostringstream out;
    out << static_cast<double>(t.count()) / 1000.0 << " s";
    return out.str();
}

// Reads the three framed lines (STX … ETX CR LF) a Zebra sends in reply to ~HS.
Result<std::vector<std::string>> readHostStatus(Poco::Net::StreamSocket &socket, const std::string &name,
                                                std::chrono::milliseconds timeout) {
    std::string buffer;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<std::string> lines;
    while (lines.size() < 3) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return makeError(Errc::Timeout, "printer " + name + " accepted the connection but did not answer the status request (~HS) within " + seconds(timeout));
        socket.setReceiveTimeout(Poco::Timespan(left.count() * 1000));
        char chunk[256];
        int n = 0;
        try {
            n = socket.receiveBytes(chunk, sizeof chunk);
        } catch (const Poco::TimeoutException &) {
            continue;
        } catch (const Poco::Net::ConnectionResetException &) {
            n = 0;
        }
        if (n <= 0)
            return makeError(Errc::Device, "printer " + name + " closed the connection before answering the status request (~HS)");
        buffer.append(chunk, static_cast<std::size_t>(n));
        std::size_t stx;
        while ((stx = buffer.find('\x02')) != std::string::npos) {
            const std::size_t etx = buffer.find('\x03', stx);
            if (etx == std::string::npos) break;
            lines.push_back(buffer.substr(stx + 1, etx - stx - 1));
            buffer.erase(0, etx + 1);
        }
    }
    return lines;
}

std::vector<std::string> fields(const std::string &line) {
    std::vector<std::string> out;
    std::stringstream ss(line);
    std::string f;
    while (std::getline(ss, f, ',')) out.push_back(f);
    return out;
}

// The ~HS flags that stop a printer from printing (ZPL II manual, ~HS).
Status checkHostStatus(const std::vector<std::string> &lines, const std::string &name) {
    const auto one = fields(lines[0]), two = fields(lines[1]);
    if (one.size() < 3 || two.size() < 4)
        return makeError(Errc::Device, "printer " + name + " sent a malformed status reply: '" + lines[0] + "'");
    std::vector<std::string> problems;
    if (one[1] == "1") problems.push_back("paper out");
    if (one[2] == "1") problems.push_back("paused");
    if (two[2] == "1") problems.push_back("head open");
    if (two[3] == "1") problems.push_back("ribbon out");
    if (problems.empty()) return {};
    std::string what;
    for (const auto &p : problems) what += (what.empty() ? "" : ", ") + p;
    return makeError(Errc::Device, "printer " + name + " cannot print: " + what);
}

// The lp executable: a path as given, or the first match in PATH.
std::string findCommand(const std::string &command) {
    if (command.find('/') != std::string::npos) return std::filesystem::exists(command) ? command : "";
    const char *path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / command;
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec) && access(candidate.c_str(), X_OK) == 0)
            return candidate.string();
    }
    return "";
}

// A printer or lp that goes away while we write must give EPIPE, not kill the process: SIGPIPE
// is blocked in this thread while printing, and one left pending is consumed before unblocking.
class SigpipeBlock {
public:
    SigpipeBlock() {
        sigemptyset(&_set);
        sigaddset(&_set, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &_set, &_old);
    }
    ~SigpipeBlock() {
        const timespec zero{0, 0};
        while (sigtimedwait(&_set, nullptr, &zero) > 0) {
        }
        pthread_sigmask(SIG_SETMASK, &_old, nullptr);
    }
    SigpipeBlock(const SigpipeBlock &) = delete;
    SigpipeBlock &operator=(const SigpipeBlock &) = delete;

private:
    sigset_t _set, _old;
};

std::string firstLine(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    const auto nl = s.rfind('\n');
    return nl == std::string::npos ? s : s.substr(nl + 1);
}

}  // namespace

Result<PrintReceipt> sendZpl(const PrinterAddress &printer, const std::string &zpl, const PrintOptions &options) {
    const std::string name = printer.str();
    if (printer.kind != PrinterAddress::Kind::Tcp)
        return makeError(Errc::InvalidInput, "ZPL goes to a tcp:// printer, not " + name);
    const Poco::Timespan timeout(options.timeout.count() * 1000);
    SigpipeBlock noSigpipe;
    try {
        Poco::Net::SocketAddress address(printer.host, static_cast<Poco::UInt16>(printer.port));
        Poco::Net::StreamSocket socket;
        try {
            socket.connect(address, timeout);
        } catch (const Poco::TimeoutException &) {
            return makeError(Errc::Timeout, "printer " + name + " does not answer (no connection within " +
                                                seconds(options.timeout) + ")");
        }
        socket.setSendTimeout(timeout);
        socket.setNoDelay(true);
        if (options.checkStatus) {
            try {
                socket.sendBytes("~HS", 3);
            } catch (const Poco::IOException &e) {
                return makeError(Errc::Device, "printer " + name + " closed the connection before the status request (" +
                                                   e.displayText() + ")");
            }
            auto status = readHostStatus(socket, name, options.timeout);
            if (!status) return status.error();
            auto ok = checkHostStatus(*status, name);
            if (!ok) return ok.error();
        }
        std::size_t sent = 0;
        auto cutOff = [&](const std::string &why) {
            return makeError(Errc::Device, "printer " + name + " closed the connection after " + std::to_string(sent) +
                                               " of " + std::to_string(zpl.size()) + " bytes" + why);
        };
        while (sent < zpl.size()) {
            int n = 0;
            try {
                n = socket.sendBytes(zpl.data() + sent, static_cast<int>(zpl.size() - sent));
            } catch (const Poco::IOException &e) {  // reset, broken pipe; a timeout is handled below
                return cutOff(" (" + e.displayText() + ")");
            }
            if (n <= 0) return cutOff("");
            sent += static_cast<std::size_t>(n);
        }
        socket.shutdownSend();
        socket.close();
        return PrintReceipt{name, "zpl", sent, ""};
    } catch (const Poco::Net::ConnectionRefusedException &) {
        return makeError(Errc::Device, "printer " + name + " refused the connection (nothing listens on port " +
                                           std::to_string(printer.port) + ")");
    } catch (const Poco::Net::ConnectionResetException &) {
        return makeError(Errc::Device, "printer " + name + " closed the connection (reset) before taking the labels");
    } catch (const Poco::Net::HostNotFoundException &) {
        return makeError(Errc::NotFound, "printer " + name + ": host '" + printer.host + "' not found");
    } catch (const Poco::Net::NoAddressFoundException &) {
        return makeError(Errc::NotFound, "printer " + name + ": host '" + printer.host + "' has no address");
    } catch (const Poco::TimeoutException &) {
        return makeError(Errc::Timeout, "printer " + name + " stopped receiving (no progress within " +
                                            seconds(options.timeout) + ")");
    } catch (const Poco::Exception &e) {
        return makeError(Errc::Io, "printer " + name + ": " + e.displayText());
    }
}

Result<PrintReceipt> sendPdf(const PrinterAddress &printer, const std::string &pdf, const PrintOptions &options) {
    const std::string name = printer.str();
    if (printer.kind != PrinterAddress::Kind::Cups)
        return makeError(Errc::InvalidInput, "PDF goes to a cups: printer, not " + name);
    const std::string lp = findCommand(options.lpCommand);
    if (lp.empty())
        return makeError(Errc::Unsupported, "printer " + name + ": the '" + options.lpCommand +
                                                "' command is not installed (Debian package cups-client)");
    SigpipeBlock noSigpipe;
    try {
        Poco::Pipe in, out, err;
        Poco::Process::Args args = {"-d", printer.queue, "-t", options.title, "-"};
        Poco::ProcessHandle child = Poco::Process::launch(lp, args, &in, &out, &err);
        // Collect stdout and stderr while writing stdin so that a chatty lp cannot block us.
        std::string outText, errText;
        std::thread readOut([&] {
            Poco::PipeInputStream s(out);
            Poco::StreamCopier::copyToString(s, outText);
        });
        std::thread readErr([&] {
            Poco::PipeInputStream s(err);
            Poco::StreamCopier::copyToString(s, errText);
        });
        std::size_t sent = 0;
        try {
            while (sent < pdf.size()) {
                const int n = in.writeBytes(pdf.data() + sent,
                                            static_cast<int>(std::min<std::size_t>(pdf.size() - sent, 65536)));
                if (n <= 0) break;
                sent += static_cast<std::size_t>(n);
            }
        } catch (const Poco::Exception &) {
            // lp stopped reading (it failed, or exited early): its exit status and message say why.
        }
        in.close(Poco::Pipe::CLOSE_WRITE);
        const int code = child.wait();
        readOut.join();
        readErr.join();
        if (code != 0 || sent < pdf.size()) {
            const std::string why = firstLine(errText).empty() ? "exit status " + std::to_string(code) : firstLine(errText);
            return makeError(Errc::Device, "printer " + name + ": lp failed: " + why);
        }
        // "request id is QUEUE-42 (1 file(s))"
        std::string job;
        const auto at = outText.find("request id is ");
        if (at != std::string::npos) {
            std::istringstream words(outText.substr(at + 14));
            words >> job;
        }
        return PrintReceipt{name, "pdf", sent, job};
    } catch (const Poco::Exception &e) {
        return makeError(Errc::Io, "printer " + name + ": cannot run " + lp + ": " + e.displayText());
    }
}

Result<PrintReceipt> printLabels(const std::vector<LabelData> &labels, const Media &media, const LayoutOptions &layout,
                                 const PrinterAddress &printer, const PrintOptions &options) {
    const RenderFormat format = printer.kind == PrinterAddress::Kind::Tcp ? RenderFormat::Zpl : RenderFormat::Pdf;
    auto bytes = renderLabels(labels, media, format, layout);
    if (!bytes) return bytes.error();
    if (format == RenderFormat::Zpl) return sendZpl(printer, *bytes, options);
    return sendPdf(printer, *bytes, options);
}

}  // namespace reemploi::labels
