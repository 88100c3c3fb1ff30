package io.switchgate; final class Placeholder {}
