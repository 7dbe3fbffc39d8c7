import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.exception.MongoServerException;
import de.bwaldvogel.mongo.oplog.Oplog;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Starts mongo-java-server on a free loopback port and prints "LISTENING <port>". Its databases
 * plan queries as MongoDB would (see QueryPlanner), in memory and on the durable file store.
 * Usage: java -cp <classpath> Launcher.java memory | h2 <data-file>
 * The server stops when its standard input closes, so a parent that dies (even by SIGKILL)
 * never leaves a JVM holding the data file.
 */
public class Launcher {
    /**
     * In the persistent mode a command's thread (a Netty event loop) waits for the commit that
     * holds its write, and every connection on that loop waits with it: enough loops give each
     * of the app's pooled connections its own, so concurrent writes share commits.
     */
    private static final int PERSISTENT_EVENT_LOOPS = 64;

    public static void main(String[] args) throws Exception {
        boolean persistent = args.length > 1 && args[0].equals("h2");
        MongoBackend backend = persistent ? DurableH2Backend.open(args[1]) : new PlannedMemoryBackend();
        backend.version(ServerVersion.MONGO_5_0);
        MongoServer server = new MongoServer(backend);
        server.bind(new InetSocketAddress("127.0.0.1", 0), 1, persistent ? PERSISTENT_EVENT_LOOPS : 0);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            backend.close();
        }));
        System.out.println("LISTENING " + server.getLocalAddress().getPort());
        System.out.flush();
        while (System.in.read() != -1) {
            // The parent never writes; EOF means it is gone.
        }
        System.exit(0);
    }
}

/**
 * The H2 backend with durable replies: a command that changed the store is answered only after
 * an MVStore commit that started after the command finished, so an acknowledged write survives
 * a kill of this process (power loss is out of scope: nothing is fsynced).
 *
 * The store's own auto-commit is off: it commits from a background thread (and from a writing
 * thread once enough memory is unsaved) at any moment, which can capture half a command. Here
 * commands and commits take turns on one lock, so a commit holds whole commands only, and one
 * committer thread commits for every command waiting at that moment (group commit).
 *
 * Replies are deep copies taken under that lock: mongo-java-server answers with the stored
 * documents themselves (a findAndModify's "value", a find's batch) and updates them in place, so
 * a reply encoded later could show a newer command's write that is not committed yet (a
 * concurrent $inc's value, seen in a kill test).
 */
final class DurableH2Backend extends H2Backend {
    /**
     * Compaction: at most this often, live pages of chunks less than COMPACT_FILL_RATE percent
     * live are rewritten (up to COMPACT_WRITE_BYTES of chunks), so those chunks die and their
     * space is reused; the file shrinks when its end frees up. Rewriting is CPU work that holds
     * commands back: with 32 writers updating 8,000 documents, twice a second at 60% and 1 MB took
     * 9.6 s against 5.4 s of commits, once a second at 40% and 512 KB 2.9 s against 6.1 s, for a
     * file of 22 MB instead of 20 MB. MVStore.compactFile() also moves chunks, but it fsyncs
     * several times and held every command back for 0.2-2.7 s on a busy 2-core machine: a clean
     * stop compacts fully instead.
     */
    private static final long COMPACT_INTERVAL_MS = 1_000;
    private static final int COMPACT_FILL_RATE = 40;
    private static final int COMPACT_WRITE_BYTES = 512 << 10;

    private static volatile MVStore processStore;
    private final MVStore store;
    /** Held by one command or one commit at a time: a commit never captures half a command. */
    private final ReentrantLock storeTurn = new ReentrantLock();
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
    /** Guards the ticket counters; commandsWaiting wakes the committer, committedUpTo the waiting commands. */
    private final ReentrantLock state = new ReentrantLock();
    private final Condition commandsWaiting = state.newCondition();
    private final Condition committedUpTo = state.newCondition();
    /** Tickets handed to commands that wait for a commit, and the highest one committed. */
    private long requested;
    private long committed;
    /** Set when the store failed to commit, or once the committer has stopped: nothing more is acknowledged. */
    private RuntimeException stopped;
    private boolean closing;
    /** For serverStatus: how many commits and compactions ran, and the time they took. */
    private long commits;
    private long compactions;
    private long commitNanos;
    private long compactionNanos;
    private final Thread committer;
    private long lastCompaction = System.nanoTime();

    static DurableH2Backend open(String fileName) {
        MVStore store = new MVStore.Builder()
            .fileName(fileName)
            .autoCommitDisabled()
            // 0 also turns off the commit a writing thread makes once enough memory is unsaved.
            .autoCommitBufferSize(0)
            .open();
        // Dead chunks may be overwritten at once: no command reads across a commit (they take
        // turns with commits and cursors are materialized lists), and a killed process loses
        // nothing the operating system has been given. The default (45 s) is for power loss,
        // and with a commit per write it grew a file from 4 MB to 153 MB over 4,000 writes.
        store.setRetentionTime(0);
        processStore = store;
        return new DurableH2Backend(store);
    }

    /** The one store this process opens: its databases open their collections' maps in it (see PlannedH2Database). */
    static MVStore processStore() {
        return processStore;
    }

    private DurableH2Backend(MVStore store) {
        super(store);
        this.store = store;
        store.commit(); // whatever opening the databases wrote
        committer = new Thread(this::commitLoop, "durable-commit");
        committer.setDaemon(true);
        committer.start();
    }

    /** Its databases plan their queries (see QueryPlanner). Called from H2Backend's constructor too. */
    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new PlannedH2Database(databaseName, getMvStore(), getCursorRegistry());
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        return durably(() -> {
            Document reply = ClientBulkWrite.handles(database, command)
                ? ClientBulkWrite.run(query, (db, each, part) -> super.handleCommand(channel, db, each, part))
                : super.handleCommand(channel, database, command, query);
            return reply == null ? null : reply.cloneDeeply();
        });
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
        return durably(() -> {
            QueryResult result = super.handleQuery(query);
            if (result == null) {
                return null;
            }
            List<Document> copies = new ArrayList<>();
            result.collectDocuments().forEach(document -> copies.add(document.cloneDeeply()));
            return new QueryResult(copies, result.getCursorId());
        });
    }

    @Override
    public void handleClose(Channel channel) {
        durably(() -> {
            super.handleClose(channel);
            return null;
        });
    }

    /** Runs a command in its turn and, when the store has unsaved changes, waits for them to be committed. */
    private <T> T durably(Supplier<T> command) {
        int[] nested = depth.get();
        if (nested[0] > 0) {
            return command.get(); // the outer call holds the turn and waits
        }
        T result = null;
        RuntimeException failure = null;
        boolean dirty;
        storeTurn.lock();
        try {
            nested[0]++;
            try {
                result = command.get();
            } catch (RuntimeException e) {
                failure = e; // answered as an error, but only once whatever it did write is committed
            } finally {
                nested[0]--;
            }
            // Checked in the turn, so no commit is half done. A reply that read someone else's
            // unsaved write waits too: no reply shows data that a kill could take back.
            dirty = store.hasUnsavedChanges();
        } finally {
            storeTurn.unlock();
        }
        if (dirty) {
            awaitCommit();
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /** Waits for a commit that starts after this call (the caller's write is already applied). */
    private void awaitCommit() {
        state.lock();
        try {
            long ticket = ++requested;
            commandsWaiting.signal();
            while (committed < ticket && stopped == null) {
                committedUpTo.awaitUninterruptibly();
            }
            if (committed < ticket) {
                throw new MongoServerException("the write could not be committed: " + stopped.getMessage(), stopped);
            }
        } finally {
            state.unlock();
        }
    }

    /** One commit for every command waiting when it starts (group commit), until the store closes. */
    private void commitLoop() {
        RuntimeException failure = null;
        while (failure == null) {
            long target;
            state.lock();
            try {
                while (requested == committed && !closing) {
                    commandsWaiting.awaitUninterruptibly();
                }
                if (requested == committed) {
                    break; // closing, and nobody waits
                }
                target = requested; // each of these commands finished its write before taking its ticket
            } finally {
                state.unlock();
            }
            long started = System.nanoTime();
            long committedAt = started;
            storeTurn.lock();
            try {
                store.commit();
                committedAt = System.nanoTime();
            } catch (RuntimeException e) {
                failure = e; // MVStore panics on a failed write: the store is unusable from here on
                System.err.println("embedded database: commit failed: " + e);
            }
            try {
                if (failure == null) {
                    compactIfDue();
                }
            } catch (RuntimeException e) {
                System.err.println("embedded database: compaction failed: " + e); // the next commit tells
            } finally {
                storeTurn.unlock();
            }
            long ended = System.nanoTime();
            state.lock();
            try {
                commits++;
                commitNanos += committedAt - started;
                compactionNanos += ended - committedAt;
                if (failure == null) {
                    committed = target;
                }
                committedUpTo.signalAll();
            } finally {
                state.unlock();
            }
        }
        state.lock();
        try {
            stopped = failure != null ? failure : new MongoServerException("the embedded database is closing");
            committedUpTo.signalAll();
        } finally {
            state.unlock();
        }
    }

    /** Every commit writes a new chunk and leaves older ones partly dead. Runs in the committer's turn. */
    private void compactIfDue() {
        long now = System.nanoTime();
        if (now - lastCompaction < COMPACT_INTERVAL_MS * 1_000_000L) {
            return;
        }
        lastCompaction = now;
        if (store.compact(COMPACT_FILL_RATE, COMPACT_WRITE_BYTES)) {
            store.commit();
            compactions++;
        }
    }

    /** serverStatus with a "durability" section: waits per commit shows how much commits are shared. */
    @Override
    public Document getServerStatus() {
        Document status = super.getServerStatus();
        Document durability = new Document();
        state.lock();
        try {
            durability.put("waits", requested);
            durability.put("commits", commits);
            durability.put("commitMillis", commitNanos / 1_000_000.0);
            durability.put("compactions", compactions);
            durability.put("compactionMillis", compactionNanos / 1_000_000.0);
        } finally {
            state.unlock();
        }
        durability.put("fileSize", store.getFileStore().size());
        durability.put("fillRate", store.getFillRate());
        durability.put("chunksFillRate", store.getFileStore().getChunksFillRate());
        status.put("durability", durability);
        return status;
    }

    @Override
    public void close() {
        state.lock();
        try {
            closing = true;
            commandsWaiting.signal();
        } finally {
            state.unlock();
        }
        try {
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        storeTurn.lock();
        try {
            // A clean stop rewrites the live data into a fresh file (MVStoreTool.compact: a temporary
            // file, then an atomic rename), so each restart begins with a small file.
            store.close(-1);
            super.close();
        } finally {
            storeTurn.unlock();
        }
    }
}

/**
 * MongoDB 8.0's `bulkWrite` admin command (the driver's MongoClient.bulkWrite), which
 * mongo-java-server 1.47.0 does not know: writes to several collections in one command, so a hot
 * path's writes on two documents cost one round trip. Each operation runs as the insert, update or
 * delete command it stands for, in order; an ordered bulk write stops at its first error. The reply
 * is MongoDB's: the counts, and a cursor of per-operation results (only the errors unless
 * `errorsOnly: false`). Like MongoDB's, it is not a transaction: each operation is atomic alone.
 */
final class ClientBulkWrite {
    private ClientBulkWrite() {
    }

    /** A database's command as the backend runs it. */
    interface Commands {
        Document run(String database, String command, Document query);
    }

    static boolean handles(String database, String command) {
        return database.equals("admin") && command.equals("bulkWrite");
    }

    static Document run(Document query, Commands commands) {
        if (!(query.get("ops") instanceof List<?> ops) || !(query.get("nsInfo") instanceof List<?> namespaces)) {
            throw new MongoServerError(9, "FailedToParse", "bulkWrite needs the arrays 'ops' and 'nsInfo'");
        }
        boolean ordered = !Boolean.FALSE.equals(query.get("ordered"));
        boolean errorsOnly = !Boolean.FALSE.equals(query.get("errorsOnly"));
        // int32, as MongoDB sends them: the driver reads these counts as that type only.
        int errors = 0, inserted = 0, matched = 0, modified = 0, upserted = 0, deleted = 0;
        List<Document> results = new ArrayList<>();
        for (int idx = 0; idx < ops.size(); idx++) {
            Document op = (Document) ops.get(idx);
            String kind = Stream.of("insert", "update", "delete").filter(op::containsKey).findFirst()
                .orElseThrow(() -> new MongoServerError(9, "FailedToParse", "a bulkWrite operation is insert, update or delete"));
            String namespace = (String) ((Document) namespaces.get(((Number) op.get(kind)).intValue())).get("ns");
            int dot = namespace.indexOf('.');
            String collection = namespace.substring(dot + 1);
            Document command = switch (kind) {
                case "insert" -> new Document("insert", collection).append("documents", List.of(op.get("document")));
                case "update" -> new Document("update", collection).append("updates", List.of(updateStatement(op)));
                default -> new Document("delete", collection).append("deletes", List.of(
                    new Document("q", op.get("filter")).append("limit", Boolean.TRUE.equals(op.get("multi")) ? 0 : 1)));
            };
            Document reply;
            try {
                reply = commands.run(namespace.substring(0, dot), kind, command.append("ordered", true));
            } catch (MongoServerError e) {
                reply = new Document("n", 0).append("writeErrors",
                    List.of(new Document("index", 0).append("code", e.getCode()).append("errmsg", e.getMessageWithoutErrorCode())));
            }
            int n = ((Number) reply.getOrDefault("n", 0)).intValue();
            Document result = new Document("ok", 1.0).append("idx", idx).append("n", n);
            if (reply.get("writeErrors") instanceof List<?> writeErrors && !writeErrors.isEmpty()) {
                Document error = (Document) writeErrors.get(0);
                results.add(new Document("ok", 0.0).append("idx", idx).append("code", error.get("code"))
                    .append("errmsg", error.get("errmsg")));
                errors++;
                if (ordered) {
                    break;
                }
                continue;
            }
            switch (kind) {
                case "insert" -> inserted += n;
                case "update" -> {
                    int nModified = ((Number) reply.getOrDefault("nModified", 0)).intValue();
                    result.append("nModified", nModified);
                    if (reply.get("upserted") instanceof List<?> ids && !ids.isEmpty()) {
                        result.append("upserted", new Document("_id", ((Document) ids.get(0)).get("_id")));
                        upserted++;
                    } else {
                        matched += n;
                    }
                    modified += nModified;
                }
                default -> deleted += n;
            }
            if (!errorsOnly) {
                results.add(result);
            }
        }
        Document cursor = new Document("id", 0L).append("firstBatch", results).append("ns", "admin.$cmd.bulkWrite");
        return new Document("cursor", cursor).append("nErrors", errors).append("nInserted", inserted)
            .append("nMatched", matched).append("nModified", modified).append("nUpserted", upserted)
            .append("nDeleted", deleted).append("ok", 1.0);
    }

    private static Document updateStatement(Document op) {
        Document statement = new Document("q", op.get("filter")).append("u", op.get("updateMods"))
            .append("multi", Boolean.TRUE.equals(op.get("multi"))).append("upsert", Boolean.TRUE.equals(op.get("upsert")));
        for (String option : List.of("arrayFilters", "hint", "collation")) {
            if (op.containsKey(option)) {
                statement.append(option, op.get(option));
            }
        }
        return statement;
    }
}

/**
 * Query planning for the shapes the app sends, with the results mongo-java-server gives. On its
 * own it answers a query from an index only when the query names exactly that index's keys:
 * anything more ({_id, state}, {liveId, userId, status}) scans the whole collection, and so does
 * every aggregation (its $match included) and every $lookup, for each document it joins. Every
 * conditional write and gate read then costs time in proportion to its collection, which only
 * grows on a server that runs for days: 31 ms for {_id, state} among 100,000 gift records, against
 * 0.5 ms for {_id} (`npm run bench:embedded`).
 * - A query that names every key of an index with a plain value (or an `$in` of them) is answered
 *   from the documents that index holds for those values, each matched against the whole query (as
 *   MongoDB would use an index and filter the rest).
 * - An aggregation's leading $match is such a query; an uncorrelated $lookup (a pipeline and no
 *   `let`) is run once, by the same rules, and its result joined to every document.
 */
final class QueryPlanner {
    private QueryPlanner() {
    }

    /** Key combinations (a cross product of `$in` lists) past which a query is left to a scan. */
    private static final int MAX_KEY_COMBINATIONS = 10_000;

    /**
     * The positions of the documents an index holds for the query's values of all its keys, or
     * null: when an index takes the query as it is (mongo-java-server plans that itself), or none
     * has all its keys among the query's plain equalities and `$in` lists of plain values.
     */
    static <P> Iterable<P> narrow(List<Index<P>> indexes, Document query, Document orderBy) {
        if (query == null || query.isEmpty() || (orderBy != null && orderBy.containsKey("$natural"))) {
            return null;
        }
        for (Index<P> index : indexes) {
            if (index.canHandle(query)) {
                return null;
            }
        }
        for (Index<P> index : indexes) {
            List<Document> combinations = keyCombinations(index, query);
            if (combinations == null || combinations.isEmpty() || !index.canHandle(combinations.get(0))) {
                continue;
            }
            Set<P> positions = new LinkedHashSet<>();
            for (Document keys : combinations) {
                index.getPositions(keys).forEach(positions::add);
            }
            return positions;
        }
        return null;
    }

    /** Every combination of the query's values for the index's keys (one each, or each of an `$in`); null when a key has none. */
    private static List<Document> keyCombinations(Index<?> index, Document query) {
        List<Document> combinations = List.of(new Document());
        for (IndexKey key : index.getKeys()) {
            List<Object> values = plainValues(query.get(key.getKey()));
            if (values == null || combinations.size() * values.size() > MAX_KEY_COMBINATIONS) {
                return null;
            }
            List<Document> extended = new ArrayList<>();
            for (Document keys : combinations) {
                for (Object value : values) {
                    Document more = keys.clone();
                    more.put(key.getKey(), value);
                    extended.add(more);
                }
            }
            combinations = extended;
        }
        return combinations;
    }

    /** The values an equality (one) or an `$in` (its list) names, when all are plain; else null. */
    private static List<Object> plainValues(Object condition) {
        if (isPlain(condition)) {
            return List.of(condition);
        }
        if (condition instanceof Document operators && operators.size() == 1 && operators.get("$in") instanceof List<?> list
            && list.stream().allMatch(QueryPlanner::isPlain)) {
            return new ArrayList<>(list);
        }
        return null;
    }

    /** Values an equality on which finds its documents through the index: no operators, arrays, nulls or patterns. */
    private static boolean isPlain(Object value) {
        return value instanceof String || value instanceof ObjectId || value instanceof Instant
            || value instanceof Boolean || value instanceof Integer || value instanceof Long
            || value instanceof Double || value instanceof UUID;
    }

    /**
     * A database's command: an aggregation this planner answers (see aggregate), after the
     * bookkeeping mongo-java-server does for every command but getLastError's (`clearLastStatus`);
     * any other command, or an aggregation it leaves, by mongo-java-server (`unplanned`).
     */
    static Document handleCommand(MongoDatabase database, String command, Document query, DatabaseResolver resolver,
                                  Oplog oplog, Supplier<Document> unplanned, Runnable clearLastStatus) {
        Document planned = command.equals("aggregate") ? aggregate(database, command, query, resolver, oplog) : null;
        if (planned == null) {
            return unplanned.get();
        }
        clearLastStatus.run();
        return planned;
    }

    /** Stages this planner leaves to mongo-java-server, with the whole aggregation. */
    private static final Set<String> UNPLANNED_STAGES = Set.of("$changeStream", "$out", "$merge", "$indexStats", "$collStats");

    /**
     * The reply to an `aggregate` command, planned as above; null leaves the command to
     * mongo-java-server (nothing to plan, explain, writing stages, a malformed command, or any
     * failure, which it then answers the way it always did: the pipeline only reads).
     */
    static Document aggregate(MongoDatabase database, String command, Document query, DatabaseResolver resolver, Oplog oplog) {
        if (!(query.get(command) instanceof String collectionName) || !(query.get("pipeline") instanceof List<?> stages)
            || !(query.get("cursor") instanceof Document) || query.containsKey("explain")) {
            return null;
        }
        try {
            List<Document> pipeline = Aggregation.parse(stages);
            boolean plannable = false;
            for (Document stage : pipeline) {
                if (stage.keySet().stream().anyMatch(UNPLANNED_STAGES::contains)) {
                    return null;
                }
                plannable |= stage.containsKey("$match") && stage == pipeline.get(0) || uncorrelatedLookup(stage) != null;
            }
            if (!plannable) {
                return null;
            }
            List<Document> documents = run(database, database.resolveCollection(collectionName, false), pipeline, resolver, oplog);
            Document cursor = new Document("id", 0L)
                .append("ns", database.getDatabaseName() + "." + collectionName)
                .append("firstBatch", documents);
            return new Document("cursor", cursor).append("ok", 1.0);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static List<Document> run(MongoDatabase database, MongoCollection<?> collection, List<Document> pipeline,
                                      DatabaseResolver resolver, Oplog oplog) {
        if (collection == null) {
            return List.of(); // as mongo-java-server answers an aggregation (or a $lookup) of a missing collection
        }
        Stream<Document> documents;
        int next = 0;
        if (!pipeline.isEmpty() && pipeline.get(0).get("$match") instanceof Document match) {
            documents = StreamSupport.stream(collection.handleQuery(match).spliterator(), false);
            next = 1;
        } else {
            documents = collection.queryAllAsStream();
        }
        List<Document> segment = new ArrayList<>();
        for (Document stage : pipeline.subList(next, pipeline.size())) {
            Document lookup = uncorrelatedLookup(stage);
            if (lookup == null) {
                segment.add(stage);
                continue;
            }
            documents = Aggregation.fromPipeline(segment, resolver, database, collection, oplog).runStagesAsStream(documents);
            segment = new ArrayList<>();
            List<Document> joined = run(database, database.resolveCollection((String) lookup.get("from"), false),
                Aggregation.parse(lookup.get("pipeline")), resolver, oplog);
            String as = (String) lookup.get("as");
            documents = documents.map(document -> {
                Document result = document.clone();
                result.put(as, joined.stream().map(Document::cloneDeeply).collect(Collectors.toList()));
                return result;
            });
        }
        return Aggregation.fromPipeline(segment, resolver, database, collection, oplog).runStages(documents);
    }

    /** The stage's $lookup when it joins the same documents to every input (a pipeline, no `let`, one database); else null. */
    private static Document uncorrelatedLookup(Document stage) {
        if (!(stage.get("$lookup") instanceof Document lookup) || stage.size() != 1) {
            return null;
        }
        boolean uncorrelated = lookup.get("from") instanceof String && lookup.get("as") instanceof String
            && lookup.get("pipeline") instanceof List && !lookup.containsKey("let") && !lookup.containsKey("localField")
            && !lookup.containsKey("foreignField");
        return uncorrelated ? lookup : null;
    }
}

final class PlannedMemoryBackend extends MemoryBackend {
    @Override
    public MemoryDatabase openOrCreateDatabase(String databaseName) {
        return new PlannedMemoryDatabase(databaseName, getCursorRegistry());
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        return ClientBulkWrite.handles(database, command)
            ? ClientBulkWrite.run(query, (db, each, part) -> super.handleCommand(channel, db, each, part))
            : super.handleCommand(channel, database, command, query);
    }
}

final class PlannedMemoryDatabase extends MemoryDatabase {
    PlannedMemoryDatabase(String databaseName, CursorRegistry cursorRegistry) {
        super(databaseName, cursorRegistry);
    }

    @Override
    protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
        return new PlannedMemoryCollection(this, collectionName, options, cursorRegistry);
    }

    @Override
    public Document handleCommand(Channel channel, String command, Document query, DatabaseResolver resolver, Oplog oplog) {
        return QueryPlanner.handleCommand(this, command, query, resolver, oplog,
            () -> super.handleCommand(channel, command, query, resolver, oplog), () -> clearLastStatus(channel));
    }
}

final class PlannedMemoryCollection extends MemoryCollection {
    PlannedMemoryCollection(MongoDatabase database, String collectionName, CollectionOptions options, CursorRegistry cursorRegistry) {
        super(database, collectionName, options, cursorRegistry);
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                         Document fieldSelector) {
        Iterable<Integer> positions = QueryPlanner.narrow(getIndexes(), query, orderBy);
        return positions == null
            ? super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector)
            : matchDocuments(query, positions, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }
}

/**
 * H2Database with planned queries. It opens its collections' maps by the names H2Database gives
 * them (mongo-java-server 1.47.0, pinned in pom.xml), so a data file written without this planner
 * opens with it and the other way round.
 */
final class PlannedH2Database extends H2Database {
    PlannedH2Database(String databaseName, MVStore store, CursorRegistry cursorRegistry) {
        super(databaseName, store, cursorRegistry);
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        // Runs in H2Database's constructor too, before any field of this class is set.
        MVStore store = DurableH2Backend.processStore();
        String fullName = getFullCollectionNamespace(collectionName);
        MVMap<Object, Document> dataMap = store.openMap("databases." + fullName);
        MVMap<String, Object> metaMap = store.openMap("meta." + fullName);
        return new PlannedH2Collection(this, collectionName, options, dataMap, metaMap, cursorRegistry);
    }

    @Override
    public Document handleCommand(Channel channel, String command, Document query, DatabaseResolver resolver, Oplog oplog) {
        return QueryPlanner.handleCommand(this, command, query, resolver, oplog,
            () -> super.handleCommand(channel, command, query, resolver, oplog), () -> clearLastStatus(channel));
    }
}

/** PlannedMemoryCollection's override on the other backend (Java has no mixins, and the methods it calls are protected). */
final class PlannedH2Collection extends H2Collection {
    PlannedH2Collection(MongoDatabase database, String collectionName, CollectionOptions options,
                        MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursorRegistry) {
        super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                         Document fieldSelector) {
        Iterable<Object> positions = QueryPlanner.narrow(getIndexes(), query, orderBy);
        return positions == null
            ? super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector)
            : matchDocuments(query, positions, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }
}
