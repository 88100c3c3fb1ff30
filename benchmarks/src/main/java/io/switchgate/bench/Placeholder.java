package io.switchgate.bench; final class Placeholder {}
