import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerException;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import org.h2.mvstore.MVStore;

/**
 * Starts mongo-java-server on a free loopback port and prints "LISTENING <port>".
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
        MongoBackend backend = persistent ? DurableH2Backend.open(args[1]) : new MemoryBackend();
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
        return new DurableH2Backend(store);
    }

    private DurableH2Backend(MVStore store) {
        super(store);
        this.store = store;
        store.commit(); // whatever opening the databases wrote
        committer = new Thread(this::commitLoop, "durable-commit");
        committer.setDaemon(true);
        committer.start();
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        return durably(() -> {
            Document reply = super.handleCommand(channel, database, command, query);
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
