// Serials as hand scanners type them.
#include <gtest/gtest.h>

#include <reemploi/intake/Scan.hpp>

using reemploi::intake::cleanScannedSerial;

TEST(Scan, TrimsSpacesAndTheScannersEnterOrTab) {
    EXPECT_EQ(cleanScannedSerial("  5CG1234XYZ \r\n"), "5CG1234XYZ");
    EXPECT_EQ(cleanScannedSerial("5CG1234XYZ\t"), "5CG1234XYZ");
    EXPECT_EQ(cleanScannedSerial("5CG1234XYZ\n"), "5CG1234XYZ");
    EXPECT_EQ(cleanScannedSerial("\xC2\xA0" "5CG1234XYZ"), "5CG1234XYZ");
    EXPECT_EQ(cleanScannedSerial(""), "");
    EXPECT_EQ(cleanScannedSerial(" \r\n"), "");
}

TEST(Scan, KeepsTheSerialExactlyOtherwise) {
    EXPECT_EQ(cleanScannedSerial("pf2AbCdE"), "pf2AbCdE");
    EXPECT_EQ(cleanScannedSerial("SN-12345"), "SN-12345");
    EXPECT_EQ(cleanScannedSerial("SNX12345"), "SNX12345");
    EXPECT_EQ(cleanScannedSerial("Serial"), "Serial");  // a label alone is not stripped to nothing
    EXPECT_EQ(cleanScannedSerial("C02X 1234"), "C02X 1234");
}

TEST(Scan, StripsSymbologyIdentifiers) {
    EXPECT_EQ(cleanScannedSerial("]C0CN0F4X5Y\r"), "CN0F4X5Y");  // Code 128
    EXPECT_EQ(cleanScannedSerial("]A0PF2ABCDE"), "PF2ABCDE");    // Code 39
    EXPECT_EQ(cleanScannedSerial("]Q1R9WN1234"), "R9WN1234");    // QR
    EXPECT_EQ(cleanScannedSerial("]d1DMPXK0ZZ"), "DMPXK0ZZ");    // DataMatrix
    // GS1 identifiers with data that is not a GS1 element string: just the identifier goes.
    EXPECT_EQ(cleanScannedSerial("]C1ABC123"), "ABC123");
}

TEST(Scan, ExtractsTheSerialElementOfGs1Data) {
    EXPECT_EQ(cleanScannedSerial("]d20103453120000011" "21SER123\x1D" "10LOT9"), "SER123");
    EXPECT_EQ(cleanScannedSerial("]Q3010345312000001121XYZ789"), "XYZ789");
    EXPECT_EQ(cleanScannedSerial("]C1010345312000001117251231" "21ABC\n"), "ABC");
    EXPECT_EQ(cleanScannedSerial("(01)03453120000011(21)ABC123"), "ABC123");
    EXPECT_EQ(cleanScannedSerial("(01)03453120000011(21)ABC123(10)LOT"), "ABC123");
}

TEST(Scan, StripsLabelsInFrontOfTheSerial) {
    EXPECT_EQ(cleanScannedSerial("S/N: 5CG1234XYZ"), "5CG1234XYZ");
    EXPECT_EQ(cleanScannedSerial("S/N5CG1234XYZ"), "5CG1234XYZ");
    EXPECT_EQ(cleanScannedSerial("s/n 5CG1234XYZ"), "5CG1234XYZ");
    EXPECT_EQ(cleanScannedSerial("SN: PF2ABCDE"), "PF2ABCDE");
    EXPECT_EQ(cleanScannedSerial("SN PF2ABCDE"), "PF2ABCDE");
    EXPECT_EQ(cleanScannedSerial("SN#PF2ABCDE"), "PF2ABCDE");
    EXPECT_EQ(cleanScannedSerial("Serial No.: C02XG0ABJGH5"), "C02XG0ABJGH5");
    EXPECT_EQ(cleanScannedSerial("Serial Number C02XG0ABJGH5"), "C02XG0ABJGH5");
    EXPECT_EQ(cleanScannedSerial("N° de série : 5CG1234XYZ"), "5CG1234XYZ");
    EXPECT_EQ(cleanScannedSerial("Numéro de série: 5CG1234XYZ"), "5CG1234XYZ");
}
