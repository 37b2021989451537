package io.procos.das.internal;

import java.util.Locale;
import java.util.Set;

/**
 * Whether a word begins an action: the imperative verbs of traders, engineers and supply-chain staff.
 * The offline generator splits "read the file, compute the totals and write the report" into three
 * steps because "compute" and "write" are verbs, and keeps "compare prices and quantities" whole because
 * "quantities" is not. Words that are as often nouns ("order", "report", "file") count as verbs only when
 * what follows looks like their object.
 */
final class Verbs {

    private Verbs() {}

    static final Set<String> VERBS = words(
            """
            accept accrue acknowledge activate add adjust affix aggregate alert allocate amend amortise
            amortize analyse analyze annotate announce anonymise anonymize append apply approve archive arrange
            ask assemble assess assign attach audit authenticate authorise authorize automate autoscale award
            back backfill backtest balance benchmark bid bill bind block book bootstrap branch
            brief bring build bump buy cache calculate calibrate call cancel capture categorise
            categorize certify charge chase check cherry-pick choose circulate clarify classify clean cleanse
            clear clone close cluster collate collateralise collateralize collect combine comment commit compact
            compare compile complete compose compress compute condense configure confirm consolidate contact contract
            convert copy cordon correct count countersign courier cover crane crate create credit
            cross-check cross-dock cross-reference cut cycle-count deactivate debit debug decide decline decommission decompress
            deconsolidate decrypt dedupe deduplicate define defragment delete deliver demote denoise deploy depreciate
            derive describe deseasonalise design destroy detect determine detrend diagnose dictate diff digitise
            disable discharge disinfect dispatch display dispose distribute do document double-check download draft
            drain draw drive drop dump e-mail edit elaborate email enable encrypt enrich
            enter escalate estimate evaluate examine exchange exclude execute exercise expand expedite expire
            explain explode export extend extract extrapolate eyeball fall fax fetch file fill
            film filter finalise finalize find fit fix flag flash flush follow forecast
            fork format forward freeze fund gather generate get give go grab grade
            grant grep group gzip hand handle hash have hedge highlight hire hoist
            hold hotfix identify import improve impute include increase index inform ingest initialise
            initialize insert inspect install instruct integrate interpolate interview invalidate invite invoice issue
            iterate join journal keep kick kill label laminate lash launch leave let
            lift lint liquidate list load localise localize locate lock log look lower
            mail maintain make map margin mark mask match measure merge message migrate
            mirror model monitor mount move negotiate net normalise normalize notarise notarize note
            notify novate nudge obtain offboard offer offload onboard open optimise optimize order
            organise organize pack package page palletise palletize parse pass patch pause pay
            perform phone photocopy photograph pick pin ping pivot place plan plot poll
            post prefetch preload prepare present price print prioritise prioritize process procure produce
            profile program promote proofread propose provision prune publish pull purge push put
            quarantine query queue quote raise rank rate rate-limit re-run reach reactivate read
            reallocate rebalance rebase reboot rebuild recalculate receive recharge recompute reconcile record recount
            recover recycle redact redeploy reduce refactor refresh refuel refund register regress reindex
            reject relabel release reload remark remind remove rename render renew reopen reorder
            repack repair repeat rephrase replace replenish replicate reply report reprice reprint request
            rerun resample reschedule resend reserve reset resize resolve restart restock restore resubmit
            resume retest retire retrain retrieve retry return revalue reverse revert review revise
            revoke reweigh reword rewrite roll roll-out rollback rollout rotate round route run
            sample sanitise sanitize sanity-check save scale scan schedule score scrape screen seal
            search secure segregate select sell send separate service set settle share ship
            shock shorten shortlist shred shrink-wrap shut sign simulate skim smooth snapshot sort
            source spin split spot-check squash stack stage stamp start sterilise sterilize stop
            store stow strap stream stress strip submit subtract sum summarise summarize supply
            suspend swap sweep switch sync synchronise synchronize tag take tally tar tell
            tender terminate test throttle tidy total trace track trade train transcribe transfer
            transform translate transliterate transmit trigger trim truncate tune turn tweak unblock uncover
            undeploy unflag unfreeze unlash unload unlock unpack unpivot unreserve unstack untag untar
            unwind unwrap unzip update upgrade upload use vacuum validate value verify vet
            visualise visualize void wait warm watch weigh wipe wire witness work wrap
            write zip
            """);

    /** Verbs that are as often nouns: a verb only when an object seems to follow. */
    static final Set<String> NOUNISH = words(
            """
            archive audit back bid bill block book branch cache call capture charge
            check clean clone close cluster comment contract copy count courier cover crane
            crate credit cut debit deploy diff discharge document draft drive drop dump
            email exchange exercise expire fall fetch file film fit flag flash flush
            forecast fork format freeze fund grade grant group hand hash hold index
            interview invoice issue journal kill label leave lift list load lock log
            look mail maintain map margin mark match measure merge message mirror model
            move net note offer order package page pass patch pause pay phone
            photograph pick pin ping pivot place plan plot post price print process
            profile program pull purge push queue quote rank rate reach record refund
            regress release repair replace reply report request reserve reset restore return review
            roll round route run sample scale scan schedule score screen seal search
            secure service set share ship shock sign smooth snapshot sort source split
            stack stage stamp start stop store strap stream stress sum supply swap
            sweep switch sync tag tender test total trace track trade train transfer
            turn update use value void wait warm watch wire work wrap zip
            """);

    /** Words that may start the object (or complement) of a verb. */
    private static final Set<String> OBJECT_START = words(
            """
            a again all an any anything at away back both by down
            each every everything five for four from half her him his in
            into it its just last less me more my new next no
            none off on one only our out over some something ten that
            the their them these this those three through to today's tomorrow's two
            up us whatever with yesterday's your
            """);

    /** -ate, -ise, -ize and -ify words that are not verbs. */
    private static final Set<String> NOT_VERBS = words(
            """
            candidate certificate climate corporate date estimate private rate state
            """);

    private static Set<String> words(String block) {
        return Set.of(block.strip().split("\\s+"));
    }

    /** True when {@code word} (followed by {@code next}, or null) begins an action. */
    static boolean isVerb(String word, String next) {
        String w = bare(word);
        if (w.isEmpty()) return false;
        String n = next == null ? null : bare(next);
        if (VERBS.contains(w)) return !NOUNISH.contains(w) || objectFollows(next, n);
        // re-verbs and -ise/-ize/-ify verbs not in the list: reprocess, revalidate, normalise, notify
        if (w.startsWith("re") && w.length() > 5 && VERBS.contains(w.substring(2))) return objectFollows(next, n);
        if (w.matches("[a-z]{4,}(?:ise|ize|ify)") && !NOT_VERBS.contains(w)) return objectFollows(next, n);
        return false;
    }

    private static boolean objectFollows(String raw, String n) {
        if (raw == null || n.isEmpty()) return raw == null || raw.startsWith("\u0000");
        return OBJECT_START.contains(n)
                || Character.isDigit(n.charAt(0))
                || raw.startsWith("\u0000")
                || Character.isUpperCase(raw.charAt(0))
                || n.endsWith("'s")
                || n.contains("/")
                || n.contains(".");
    }

    /** The first words of {@code clause} begin an action. */
    static boolean startsWithVerb(String clause) {
        String[] w = clause.strip().split("\\s+", 3);
        return w.length > 0 && isVerb(w[0], w.length > 1 ? w[1] : null);
    }

    private static String bare(String word) {
        return word.toLowerCase(Locale.ROOT).replaceAll("^[^a-z0-9\u0000]+|[^a-z0-9']+$", "");
    }
}
