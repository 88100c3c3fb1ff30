package io.switchgate.saf;

class InMemorySafQueueTest extends SafQueueContract {
    @Override
    SafQueue open() {
        return new InMemorySafQueue();
    }
}
