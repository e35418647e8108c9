// The exchange counter's words (en); keys mirror exchange.zh-CN.js.
export default {
  menu: {
    exchangeIntake: 'Exchange intake', exchangeOrders: 'Counter exchanges',
    desc: { exchangeIntake: 'The warranty rules decide whether a device may be exchanged: on site or through the factory', exchangeOrders: 'This point’s exchange orders: hand over, send to the factory, receive, print' },
  },
  exchange: {
    noPoint: 'Exchanges are handled at a service point’s counter: this account has no point data on this device.',
    offlineIntake: 'Offline: saved on this tablet, posted once online',
    saved: 'Saved, being posted',
    savedHere: 'Saved on this tablet; it is posted once online',
    savedHereChip: 'Saved on this tablet',
    saveFailed: 'Could not save: try again',
    done: 'Done',
    intake: {
      device: 'Old unit', imei: 'IMEI (scan or type 15 digits)', model: 'Model', modelFromTac: 'From the IMEI', purchaseDate: 'Bought on',
      purchaseHint: 'Without a warranty card: the invoice’s date', fault: 'Fault', faultDescription: 'Fault description', customer: 'Customer',
      member: 'Member', walkIn: 'Walk-in', phone: 'Mobile phone', name: 'Name', mode: 'Exchange mode', override: 'Override reason',
      overrideHint: 'The rules allow no exchange: say why (audited)', note: 'Note', save: 'Save the exchange intake',
    },
    verdict: {
      title: 'Warranty rules (三包)', yes: 'May be exchanged', no: 'No exchange by the rules', options: 'Options', days: 'Day {n} after sale',
      waiting: 'Enter the IMEI and the model to check', local: 'Offline: from this tablet’s data (the stated purchase date); the server decides at posting',
    },
    problem: {
      required: 'Required', phone: 'Not a phone number', tooLong: 'Too long', digits: 'An IMEI has digits only', length: 'An IMEI has 15 digits',
      luhn: 'The IMEI’s check digit is wrong: scan again', future: 'Not after today',
      notAllowed: 'The rules allow no exchange: someone allowed to override must take it in', oldUnit: 'This is the customer’s old unit: scan the replacement',
      money: 'An amount, at most two decimals', tooLarge: 'Amount too large', invalid: 'Signature not valid: sign again',
    },
    order: {
      title: 'Exchange order', notFound: 'This exchange order is not on this tablet', provisional: 'Provisional code',
      rejected: 'The server refused this intake', rejectedHint: 'Check it and take it in again', eventRejected: '{event}: refused by the server',
      correctHint: 'Correct it and do this step again', oldImei: 'Old IMEI', newImei: 'New IMEI', factoryImei: 'Manufacturer’s unit IMEI',
      oldUnitAt: 'Old unit at', history: 'History', actions: 'Next steps', noActions: 'No step to take now', needsNetwork: 'Needs the network',
      intakeStep: 'Taken in for exchange', reverseStep: 'Reversed', reversed: 'reversed', replacementScan: 'Scan the replacement’s IMEI',
      factoryImeiScan: 'Scan the manufacturer’s unit IMEI', oldImeiScan: 'Scan the old unit’s IMEI (check)', carrier: 'Carrier',
      trackingNo: 'Tracking number', fee: 'Price difference / fee', account: 'Account', reason: 'Reason', signature: 'Customer’s signature',
      confirm: 'Confirm', offlineHint: 'Works offline: saved on this tablet, posted once online',
      link: { from_repair: 'From repair order', repair: 'Continued as repair order' },
    },
    unitAt: { customer: 'With the customer', defective: 'Defective stock', transit: 'In transit', factory: 'At the manufacturer' },
    sync: { pending: 'Saved on this tablet', waiting: 'Sent, waiting', posted: 'Posted', rejected: 'Refused' },
    list: { search: 'Number / IMEI / phone / name', state: 'State', all: 'All', pendingSync: 'Not posted yet', empty: 'No exchange orders' },
    papers: { 'exchange-ticket': 'Exchange ticket', 'exchange-certificate': 'Exchange certificate' },
  },
}
