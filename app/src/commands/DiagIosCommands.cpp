// `reemploi diag ios`: an iPad's or iPhone's facts and activation lock through libimobiledevice,
// stored on its unit with --unit. The work is in diagnostics/ios (IosDevice.hpp).
#include <iomanip>

#include <reemploi/inventory/Units.hpp>

#include <reemploi/diagnostics/ios/IosDevice.hpp>
#include <reemploi/inventory/JsonViews.hpp>

#include "cli/Cli.hpp"
#include "commands/DiagAndroidCommands.hpp"
#include "services/Tablets.hpp"

namespace reemploi::app {

using namespace reemploi::diagnostics::ios;

namespace {

int runDiagIos(Context &ctx, const Args &args) {
    if (!args.positionals().empty())
        return ctx.fail(makeError(Errc::InvalidInput, "diag ios takes no arguments (give --udid U), got '" +
                                                          args.positionals()[0] + "'"));
    auto unit = args.option("unit");
    Result<inventory::Database *> db = static_cast<inventory::Database *>(nullptr);
    if (unit) db = ctx.db();
    if (!db) return ctx.fail(db.error());
    // The same service as the web server's POST /api/tablets/diagnose.
    auto diagnosis = tablets::diagnoseIosTablet(*db, "ios:" + args.option("udid").value_or(""), unit, ctx.actor);
    if (!diagnosis) return ctx.fail(diagnosis.error());
    const auto &f = diagnosis->facts;
    if (ctx.json) {
        auto o = f.toJson();
        o.set("where", diagnosis->where);
        if (diagnosis->unit) o.raw("unit", inventory::toJson(*diagnosis->unit).str());
        ctx.out << o.str() << '\n';
    } else {
        auto &o = ctx.out;
        auto show = [&](const char *label, const std::string &v) {
            o << "  " << std::left << std::setw(18) << label << (v.empty() ? "-" : v) << '\n';
        };
        o << "Apple " << f.productType << " (" << f.kind() << ") on " << diagnosis->where << '\n';
        show("model number", f.modelNumber);
        show("serial", f.serial);
        show("iOS", f.iosVersion + (f.buildVersion.empty() ? "" : " (" + f.buildVersion + ")"));
        show("activation", f.activationState);
        show("activation lock", std::string(toString(f.activationLock())));
        if (auto advice = f.lockAdvice(); !advice.empty()) show("what to do", advice);
        show("storage", f.dataTotalBytes ? std::to_string(*f.dataTotalBytes / 1000000000) + " GB, " +
                                               std::to_string(f.dataFreeBytes.value_or(0) / 1000000000) + " GB free"
                                         : "");
        show("battery", f.batteryPercent ? std::to_string(*f.batteryPercent) + "%" : "");
        for (const auto &u : f.unavailable) show("not read", u);
        if (diagnosis->unit) o << "stored on " << diagnosis->unit->tag << '\n';
    }
    return 0;
}

}  // namespace

void registerIosCommands(CommandRegistry &registry) {
    registry.add({"diag ios", "[--udid U] [--unit TAG] [--json]",
                  "an iPad's or iPhone's model, serial, iOS, storage, battery and activation lock (libimobiledevice); "
                  "--unit stores them, and a lock on or unknown keeps the unit from ready",
                  {}, runDiagIos});
}

}  // namespace reemploi::app
