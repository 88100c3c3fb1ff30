package io.switchgate.projection;

import io.switchgate.config.InvalidConfigException;
import io.switchgate.journal.Durability;
import io.switchgate.projection.SavePace.Policy;
import io.switchgate.projection.SavePace.Save;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SavePaceTest {
    static final long S = 1_000_000_000L;
    static final String RETENTION = "test.savePace.retentionSeconds";

    @AfterEach
    void clear() {
        System.clearProperty(RETENTION);
        System.clearProperty(SavePace.SAVE_SECONDS_PROPERTY);
        System.clearProperty(SavePace.SAVE_RECORDS_PROPERTY);
    }

    /** As shipped with fsync: prune every 30 s, forced every 30 s or 100,000 records, unforced every 5 s or 10,000. */
    static Policy fsync() {
        return new Policy(30 * S, 30 * S, 100_000, 5 * S, 10_000);
    }

    @Test
    void nothingIsDueWhileNothingWasApplied() {
        SavePace p = new SavePace(fsync(), 0, 500);
        assertEquals(Save.NONE, p.due(29 * S, 500), "no new record: no save, however long");
        assertEquals(Save.PRUNE, p.due(30 * S, 500), "the retention runs on time whatever was applied");
    }

    @Test
    void unforcedSavesComeByTimeOrByRecordsAndForcedOnesAtTheirOwnSlowerPace() {
        SavePace p = new SavePace(fsync(), 0, 0);
        assertEquals(Save.NONE, p.due(4 * S, 9_999));
        assertEquals(Save.UNFORCED, p.due(4 * S, 10_000), "10,000 records since the last save");
        p.done(Save.UNFORCED, 4 * S, 10_000);
        assertEquals(Save.NONE, p.due(8 * S, 10_001));
        assertEquals(Save.UNFORCED, p.due(9 * S, 10_001), "5 s since the last save");
        p.done(Save.UNFORCED, 9 * S, 10_001);
        assertEquals(Save.FORCED, p.due(10 * S, 100_000), "100,000 records since the last forced save, unforced ones between");
        p.done(Save.FORCED, 10 * S, 100_000);
        assertEquals(Save.NONE, p.due(14 * S, 100_001), "a forced save is a save too");
        assertEquals(Save.UNFORCED, p.due(15 * S, 100_001));
        p.done(Save.UNFORCED, 15 * S, 100_001);
        assertEquals(Save.PRUNE, p.due(30 * S, 100_002), "the retention first when both are due");
        p.done(Save.PRUNE, 30 * S, 100_002);
        assertEquals(Save.NONE, p.due(34 * S, 100_002));
        assertEquals(Save.UNFORCED, p.due(35 * S, 100_003));
    }

    @Test
    void withWriteOnlyTheRetentionForcesAndWithNoRetentionNothingDoes() {
        SavePace write = new SavePace(new Policy(30 * S, 0, 100_000, 5 * S, 10_000), 0, 0);
        assertEquals(Save.UNFORCED, write.due(1 * S, 200_000), "never forced for records alone");
        SavePace none = new SavePace(new Policy(0, 0, 100_000, 5 * S, 10_000), 0, 0);
        assertEquals(Save.NONE, none.due(3_600 * S, 0));
        assertEquals(Save.UNFORCED, none.due(3_600 * S, 1));
    }

    @Test
    void withFsyncAndNoRetentionForcedSavesStillComeEveryThirtySeconds() {
        SavePace p = new SavePace(new Policy(0, 30 * S, 100_000, 5 * S, 10_000), 0, 0);
        assertEquals(Save.UNFORCED, p.due(29 * S, 1));
        p.done(Save.UNFORCED, 29 * S, 1);
        assertEquals(Save.FORCED, p.due(30 * S, 2), "30 s since the last forced save (the start's)");
    }

    @Test
    void aSaveThatReportsAnOlderMarkNeverMovesItBack() {
        SavePace p = new SavePace(fsync(), 0, 0);
        p.done(Save.UNFORCED, S, 20_000);
        p.done(Save.UNFORCED, 2 * S, 15_000);
        assertEquals(Save.NONE, p.due(3 * S, 20_000), "saved up to 20,000 still");
    }

    @Test
    void thePolicyAsShippedByDurabilityAndTheOperatorsProperties() {
        assertEquals(fsync(), Policy.of(Durability.FSYNC, RETENTION));
        assertEquals(new Policy(30 * S, 0, 100_000, 5 * S, 10_000), Policy.of(Durability.WRITE, RETENTION));
        System.setProperty(RETENTION, "0");
        System.setProperty(SavePace.SAVE_SECONDS_PROPERTY, "1");
        System.setProperty(SavePace.SAVE_RECORDS_PROPERTY, "50");
        assertEquals(new Policy(0, 30 * S, 100_000, S, 50), Policy.of(Durability.FSYNC, RETENTION));
        System.setProperty(SavePace.SAVE_SECONDS_PROPERTY, "0");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Policy.of(Durability.FSYNC, RETENTION));
        assertTrue(e.getMessage().contains("gateway.projection.saveSeconds"), e.getMessage());
    }
}
