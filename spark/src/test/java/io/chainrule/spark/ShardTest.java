package io.chainrule.spark;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardTest {

    @Property(tries = 200)
    void shardsTileTheBatchInOrderWithSizesDifferingByAtMostOne(@ForAll @IntRange(min = 1, max = 300) int batch,
                                                                @ForAll @IntRange(min = 1, max = 300) int count) {
        if (count > batch) {
            assertThrows(IllegalArgumentException.class, () -> Shard.split(count, batch));
            return;
        }
        List<Shard> shards = Shard.split(count, batch);
        assertEquals(count, shards.size());
        int next = 0;
        int smallest = Integer.MAX_VALUE;
        int largest = 0;
        long weightedRows = 0;
        for (int k = 0; k < count; k++) {
            Shard s = shards.get(k);
            assertEquals(k, s.index());
            assertEquals(next, s.from(), "shard " + k + " starts where shard " + (k - 1) + " ends");
            next = s.to();
            smallest = Math.min(smallest, s.rows());
            largest = Math.max(largest, s.rows());
            weightedRows += Math.round(s.weight() * batch);
        }
        assertEquals(batch, next, "the shards cover every row");
        assertTrue(largest - smallest <= 1, "sizes " + smallest + ".." + largest);
        assertEquals(batch, weightedRows, "weight = rows / batch");
    }

    @Test
    void aBatchCannotHaveMoreShardsThanSequences() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shard.split(9, 8));
        assertEquals("cannot split a batch of 8 sequences into 9 shards: each shard needs at least one sequence "
                + "(shards must be between 1 and the batch size)", e.getMessage());
    }
}
