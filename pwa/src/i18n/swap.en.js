// The accessory swap screens' words (en); keys mirror swap.zh-CN.js.
export default {
  menu: {
    swapIntake: 'Accessory intake', swapReturn: 'Return to distributor', swapFactory: 'Factory send / receipt', swapHistory: 'Swap history',
    desc: { swapIntake: 'A distributor\'s batteries, chargers and headsets for swap: each recorded, offline too', swapReturn: 'Hand replaced or unsent accessories back to the distributor', swapFactory: 'Accessories to the manufacturer; what comes back, with shortfalls and substitutes', swapHistory: 'Swap progress and days at the factory by distributor, item and serial' },
  },
  swap: {
    noPoint: 'Accessory swaps are made at a service point\'s counter: this account has no point database on this device.',
    party: 'Distributor', contact: 'Contact', phone: 'Contact phone', item: 'Item', quantity: 'Quantity', condition: 'Condition', class: 'Class',
    saleDate: 'Sold on', fault: 'Fault', serials: 'Serials (optional)', serial: 'Serial',
    serialsHint: 'A scanner adds one per Enter; a pasted column adds them all', months: '{n} months\' warranty', until: 'warranty to {date}', noSaleDate: 'No sale date: out of warranty',
    addLine: 'Add a line', removeLine: 'Remove this line', savedHere: '{what} saved on this tablet; posted once online', savedHereHint: 'Saved on this tablet first, posted by the server once online',
    notNumbered: 'No number yet (to upload)', units: '{n} units', correct: 'Correct', all: 'All documents', document: 'Document', printSlip: 'Print intake slip', printSendList: 'Print send list',
    problem: {
      required: 'Required', wholeNumber: 'A whole number, 1 or more', tooMany: 'Too many', overHeld: 'More than the point holds', tooLong: 'Too long', twice: 'A serial is given twice',
      onePerUnit: 'With serials, one per unit: the counts must match', future: 'Not after today', refused: 'The server refused this; please correct it',
      twoPending: 'Two intakes not uploaded yet cannot be returned together: return them one at a time',
    },
    intake: { title: 'Accessory intake', subtitle: 'A distributor\'s batteries, chargers and headsets: replaced free with the same model within warranty', submit: 'Save intake', recent: 'Intakes on this tablet', none: 'No accessory intake on this tablet yet', what: 'Accessory intake' },
    back: {
      title: 'Return to distributor', subtitle: 'Choose the distributor, tick what is still at the point, hand it back', receiver: 'Received by', submit: 'Save return', recent: 'Returns on this tablet', noneMade: 'No return on this tablet yet',
      none: 'Nothing of this distributor\'s is at the point', held: '{n} at the point', atFactory: '{n} at the factory', goingBack: 'Item handed back', what: 'Return to distributor', kept: 'Offline: the swap history kept on this tablet at {at}',
    },
    factory: {
      title: 'Factory send / receipt', subtitle: 'Accessories to the manufacturer; what comes back is received against the send, with shortfalls and substitutes (online)',
      send: 'Send to factory', receive: 'Received from factory', maker: 'Manufacturer', carrier: 'Carrier', waybill: 'Waybill', notSent: '{n} not sent',
      nothingToSend: 'Nothing waiting to go to the factory', sendSubmit: 'Send to manufacturer', which: 'Send', sentN: '{n} sent', stillOut: '{n} at the factory', came: 'Received', cameItem: 'Item received',
      substitute: 'Substitute', short: '{n} short', receiveSubmit: 'Record receipt', made: '{what} {number} posted',
    },
    history: {
      title: 'Swap history', subtitle: 'Each intake line: sent, received, returned, and what is still at the factory and for how long', outOnly: 'At factory only', none: 'No swap history',
      kept: 'Offline: the history kept on this tablet at {at}', outFor: '{n} at the factory · {days} days', line: 'Taken in {q} · sent {sent} · received {received} · returned {returned} · at the point {at}',
      col: {
        intake_number: 'Intake', doc_date: 'Date', party_name: 'Distributor', item: 'Item', serials: 'Serials', verdict: 'Outcome', quantity: 'Taken in',
        sent: 'Sent', received: 'Received', at_factory: 'At factory', returned: 'Returned', at_point: 'At point', days_out: 'Days out',
      },
    },
  },
}
